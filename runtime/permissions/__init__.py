"""The one permission gate: every read and write of records asks `authorize()` here."""

from runtime.permissions.gate import ACTIONS, Scope, authorize, open_app, visible_apps

__all__ = ["ACTIONS", "Scope", "authorize", "open_app", "visible_apps"]
