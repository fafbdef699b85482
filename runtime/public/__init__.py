"""Public form links: anonymous submitters fill a chosen subset of a form's fields."""
