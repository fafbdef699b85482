"""In-app notifications: a row per recipient, written in the caller's transaction with `notify()`,
read by the recipient alone through /api/notifications."""

from runtime.notify.service import notify

__all__ = ["notify"]
