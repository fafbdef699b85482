"""The append-only audit log: every write path records who did what, when and from where."""
