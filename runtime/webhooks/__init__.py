"""Outbound webhooks: signed JSON deliveries of record and flow events, through the outbox."""
