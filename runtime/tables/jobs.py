"""Background jobs (imports today) and the spreadsheets uploaded for import.

A job row is the only state a client polls; an upload row points at the normalised rows kept
on disk under a random key until the import is done or the upload expires.
"""

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table

from core.types import IdType, JsonType, UTCDateTime
from runtime.tables.base import metadata

jobs = Table(
    "jobs",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),  # "import", …
    Column("status", String(16), nullable=False),  # queued | running | done | failed
    Column("progress", Integer, nullable=False, default=0),
    Column("total", Integer),
    Column("params", JsonType, nullable=False, default=dict),  # what was asked, for the runner and the client
    Column("result", JsonType),
    Column("error", JsonType),  # {code, detail, errors} when failed
    Column("created_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    # The process running the job, and when it last said it is alive: a job whose heartbeat is
    # stale belongs to a process that stopped, and any process may then mark it failed.
    Column("locked_by", String(64)),
    Column("heartbeat_at", UTCDateTime),
    Index("ix_jobs_status", "status"),
    Index("ix_jobs_created_by", "created_by"),
)

import_uploads = Table(
    "import_uploads",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("form_key", String(48)),  # None until an Excel→form upload has its form
    Column("file_key", String(64), nullable=False, unique=True),  # random; the name on disk
    Column("file_format", String(8), nullable=False),  # xlsx | csv
    Column("encoding", String(20)),  # csv only: utf-8, utf-8-sig, gb18030
    Column("sheet", String(255)),
    Column("columns", JsonType, nullable=False),  # header texts, in column order
    Column("row_count", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # ready | running | done
    Column("job_id", IdType, ForeignKey("jobs.id", ondelete="SET NULL")),
    Column("report_key", String(64)),  # the last run's error report, if it had errors
    Column("created_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Index("ix_import_uploads_created_by", "created_by"),
    Index("ix_import_uploads_expires_at", "expires_at"),
)
