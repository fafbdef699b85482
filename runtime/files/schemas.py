"""What the file store answers: a file reference as field values hold it."""

from __future__ import annotations

from pydantic import BaseModel


class FileOut(BaseModel):
    key: str
    name: str
    size: int
    content_type: str
