"""Design time: apps, form definitions (draft and publish), and later flows, reports, templates."""
