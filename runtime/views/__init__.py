"""Saved views of a form's records (table, kanban, calendar): per user, or shared per app role."""
