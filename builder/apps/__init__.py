"""Apps: the container of forms, flows and dashboards, with a menu and an icon."""
