"""Every error leaves the server as RFC 9457 problem+json, rendered here and only here."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import PROBLEM_BASE, AppError

log = structlog.get_logger("qiqiao.errors")
PROBLEM_TYPE = "application/problem+json"


def problem_response(error: AppError) -> JSONResponse:
    return JSONResponse(error.to_problem(), status_code=error.status, media_type=PROBLEM_TYPE, headers=error.headers)


def _validation_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_problem(exc: RequestValidationError) -> AppError:
    errors = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            return AppError("malformed_json", 400, "The request body is not valid JSON.", title="Malformed request")
        message = err.get("msg", "Invalid value.")
        if err.get("type") == "extra_forbidden":
            message = "Unknown field."
        errors.append({"path": _validation_path(tuple(err.get("loc", ()))), "message": message, "type": err.get("type")})
    return AppError("invalid", 422, "Some inputs are not valid.", errors=errors, title="Invalid input")


def install(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return problem_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(validation_problem(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else "Request failed."
        if exc.status_code == 404 and detail == "Not Found":
            detail = "There is nothing at this address."
        return problem_response(AppError(code, exc.status_code, detail, headers=dict(exc.headers or {})))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", path=request.url.path, request_id=getattr(request.state, "request_id", None))
        body = {
            "type": PROBLEM_BASE + "internal",
            "title": "Internal error",
            "status": 500,
            "detail": "Something went wrong on the server; it has been logged.",
            "code": "internal",
        }
        return JSONResponse(body, status_code=500, media_type=PROBLEM_TYPE)
