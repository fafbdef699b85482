"""Compiling formulas to SQLAlchemy Core for SQLite and PostgreSQL."""
