"""Flow definitions at design time: drafts, checks, publishing versions, webhook secrets, and
the platform's working calendars."""
