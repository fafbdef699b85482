"""Durable background work: timers that fire once, an outbox delivered at least once, periodic
sweeps, and the loop that runs them in every serving or `qiqiao worker` process.

Modules register handlers at import (`@timer_handler("kind")`, `@delivery_handler("kind")`,
`@periodic("name", every=…)`); the built-in `http` delivery is registered here.
"""

from runtime.worker import http_delivery  # noqa: F401  (registers the "http" delivery kind)
