"""Alembic migrations of the platform's own tables (never the generated record tables)."""
