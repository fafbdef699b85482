"""Spreadsheets in and out: import with preview, mapping, validation and jobs; export."""
