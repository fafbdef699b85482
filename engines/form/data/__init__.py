"""Reference data shipped with the form engine (see README.md for sources and licences)."""
