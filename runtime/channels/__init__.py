"""Notification channels beyond the in-app list: e-mail over SMTP and chat robots."""
