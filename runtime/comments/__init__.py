"""Comments on records: plain-text notes with @mentions, behind the same gate as the record."""
