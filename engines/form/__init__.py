"""The form engine: field-type registry, form definitions, table plans and record validation.

Pure: it describes tables with SQLAlchemy Core objects and validates values, but never opens a
connection. `runtime/` applies its plans and runs its queries.
"""
