"""Domain errors and their one rendering as RFC 9457 problem details.

Domain code raises `AppError` (or a subclass); the web layer turns every one of them into
`application/problem+json` in a single place, so no module imports the web framework to fail.
"""

from __future__ import annotations

from typing import Any

PROBLEM_BASE = "https://qiqiao.dev/problems/"


class AppError(Exception):
    """An error a user or client can act on: a stable code, an HTTP status and a message."""

    def __init__(
        self,
        code: str,
        status: int,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        detail_zh: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail_zh = detail_zh
        self.code = code
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.title = title or code.replace("_", " ").capitalize()
        self.headers = headers or {}

    def to_problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if self.detail_zh:
            body["detail_zh"] = self.detail_zh
        if self.errors:
            body["errors"] = self.errors
        return body


class NotFound(AppError):
    def __init__(self, what: str = "resource", detail: str | None = None, detail_zh: str | None = None) -> None:
        super().__init__("not_found", 404, detail or f"The {what} does not exist.", title="Not found", detail_zh=detail_zh)


class Unauthorized(AppError):
    def __init__(self, detail: str = "Authentication is required.") -> None:
        super().__init__("unauthorized", 401, detail, title="Unauthorized")


class Forbidden(AppError):
    def __init__(self, detail: str = "You are not allowed to do this.", errors: list[dict] | None = None,
                 code: str = "forbidden", detail_zh: str | None = None) -> None:
        super().__init__(code, 403, detail, errors=errors, title="Forbidden", detail_zh=detail_zh)


class Conflict(AppError):
    def __init__(self, detail: str, code: str = "conflict", errors: list[dict] | None = None) -> None:
        super().__init__(code, 409, detail, errors=errors, title="Conflict")


class Invalid(AppError):
    """422 with one entry per offending input, each naming its field path."""

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None, code: str = "invalid",
                 detail_zh: str | None = None) -> None:
        super().__init__(code, 422, detail, errors=errors, title="Invalid input", detail_zh=detail_zh)


def field_error(path: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"path": path, "message": message, **extra}
