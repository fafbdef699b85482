"""Platform settings, all read from `QIQIAO_*` environment variables.

The secret key is never a default: when none is configured one is generated once and kept in
the var directory (mode 0600), and a configured key that is short or well-known is refused.
"""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path

from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
WEAK_SECRETS = {"secret", "changeme", "change-me", "password", "qiqiao", "default", "dev", "test"}
MIN_SECRET_LENGTH = 32


class SettingsError(RuntimeError):
    """A configuration the platform refuses to start with."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QIQIAO_", extra="ignore")

    var_dir: Path = Path("var")
    database_url: str = ""
    secret_key: SecretStr | None = None
    base_url: str = "http://127.0.0.1:8000"
    cookie_secure: bool = False
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = 10 * 1024 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024
    max_import_bytes: int = 50 * 1024 * 1024
    frontend_dist: Path = REPO_ROOT / "frontend" / "dist"
    # App templates offered in the builder's gallery: one app package folder each.
    templates_dir: Path = REPO_ROOT / "templates_catalog"
    session_ttl_hours: int = 24 * 7
    login_max_failures: int = 5
    login_max_failures_per_ip: int = 30
    login_window_seconds: int = 15 * 60
    db_pool_size: int = 10
    log_level: str = "info"
    # Background work (runtime/worker): `qiqiao serve` runs the worker loop unless this is off
    # (then run `qiqiao worker` processes); comma-separated modules imported at start-up may
    # register timer and delivery handlers.
    run_worker: bool = True
    worker_poll_seconds: float = 1.0
    plugins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    outbox_lease_seconds: float = 120.0
    job_stale_seconds: float = 60.0
    # A report query running longer is cancelled with a clear message (504).
    report_timeout_seconds: float = 30.0
    # PNG/PDF export of dashboards: the headless Chromium to run (default: `chromium` on the PATH),
    # the address it loads the platform's pages from (default: the one the request came in on), and
    # how long a board may take to draw.
    chromium_path: str | None = None
    render_url: str | None = None
    export_timeout_seconds: float = 45.0
    # Outbound HTTP (webhooks, HTTP nodes) reaches public addresses only; these networks (CIDRs,
    # comma-separated) are let through as well, e.g. an intranet receiver.
    outbound_allow_cidrs: Annotated[list[str], NoDecode] = Field(default_factory=list)
    outbound_timeout_seconds: float = 30.0
    outbound_max_response_bytes: int = 1024 * 1024
    # Requests a minute one API token may make (per server process), unless the token sets its own.
    api_rate_per_minute: int = 6000
    # A webhook whose deliveries fail this many attempts in a row is switched off (its creator is told).
    webhook_disable_after: int = 20

    @field_validator("plugins", "outbound_allow_cidrs", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _defaults(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.var_dir / 'qiqiao.db'}"
        return self

    def body_limit(self, path: str) -> int:
        """Uploads and spreadsheet imports may be larger than ordinary JSON bodies."""
        if path == "/api/files":
            return self.max_upload_bytes + 64 * 1024
        if path.startswith("/api/apps/") and ("/imports" in path or "/excel-forms" in path):
            return self.max_import_bytes + 64 * 1024
        return self.max_body_bytes

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def secret(self) -> bytes:
        """The key used to sign and hash tokens; loaded or created on first use."""
        return load_secret_key(self).encode()


def load_secret_key(settings: Settings) -> str:
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value()
        if key.strip().lower() in WEAK_SECRETS or len(key) < MIN_SECRET_LENGTH:
            raise SettingsError(
                f"QIQIAO_SECRET_KEY is too weak: use at least {MIN_SECRET_LENGTH} random characters "
                "(or unset it to have one generated under the var directory)."
            )
        return key
    path = settings.var_dir / "secret_key"
    if path.exists():
        key = path.read_text().strip()
        if len(key) < MIN_SECRET_LENGTH:
            raise SettingsError(f"{path} holds a key shorter than {MIN_SECRET_LENGTH} characters.")
        return key
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key
