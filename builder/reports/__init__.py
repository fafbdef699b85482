"""Managing an app's reports and dashboards: checked on every save, by its administrators."""
