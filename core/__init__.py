"""Shared kernel: settings, errors, registries, clock and the database unit of work."""
