"""Talking to the outside world: outbound HTTP that cannot be turned against the platform's own
network (webhooks, the flow HTTP node, integrations)."""
