"""The one permission gate: every read and write of records asks `authorize()` here."""

from runtime.permissions.gate import ACTIONS, Scope, authorize, visible_apps

__all__ = ["ACTIONS", "Scope", "authorize", "visible_apps"]
