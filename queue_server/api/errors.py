"""One place maps errors to HTTP: `{"error": {"code": ..., "message": ..., "details": ...}}`."""

from __future__ import annotations

import logging
from typing import Any

from apiflask import APIFlask, HTTPError

from ..domain.errors import DomainError

log = logging.getLogger(__name__)

STATUS = {
    "invalid": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "limit": 409,
    "throttled": 429,
}
HTTP_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_attempts",
    500: "internal_error",
}


# The one error body, as documented in /api/v1/openapi.json for every error status.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "stable, e.g. window_not_open"},
                "message": {"type": "string", "description": "Chinese, then English"},
                "details": {"type": "object", "description": "e.g. the fields that failed"},
            },
        }
    },
}


def body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"error": error}


def register(app: APIFlask) -> None:
    app.config["HTTP_ERROR_SCHEMA"] = ERROR_SCHEMA
    app.config["VALIDATION_ERROR_SCHEMA"] = ERROR_SCHEMA

    @app.spec_processor
    def document_errors(spec: dict[str, Any]) -> dict[str, Any]:
        """Every operation that needs a token can answer 401; docs/api.md lists each
        operation's 403 and 409 refusals with their codes."""
        content = {"application/json": {"schema": ERROR_SCHEMA}}
        for operations in spec.get("paths", {}).values():
            for op in operations.values():
                responses = op.setdefault("responses", {})
                if op.get("security"):
                    responses.setdefault(
                        "401", {"description": "no or bad token", "content": content}
                    )
        return spec

    @app.error_processor
    def http_error(error: HTTPError) -> tuple[dict[str, Any], int, Any]:
        detail = error.detail
        if error.status_code == 400 and detail:
            message = _validation_message(detail)
            return body("invalid_request", message, detail), 400, error.headers
        message = error.message
        if error.status_code == 400 and message == "Bad Request":
            message = (
                "请求体须为JSON（Content-Type: application/json，无内容时发送{}）"
                " / the body must be JSON (Content-Type: application/json; send {} if empty)"
            )
        if error.status_code == 404 and message == "Not Found":
            message = "没有这个地址 / no such address: see /api/v1/openapi.json"
        if error.status_code == 405:
            message = "该地址不支持此方法 / this address does not accept that method"
        if error.status_code == 413:
            message = "请求体过大（最多256 KB） / the request body is too large (at most 256 KiB)"
        if error.status_code == 500:
            message = (
                "服务器内部错误，已记入日志；请重试或联系管理员"
                " / internal error (logged): try again or tell the administrator"
            )
        code = (error.extra_data or {}).get("code") or HTTP_CODES.get(error.status_code, "error")
        return body(code, message, detail or None), error.status_code, error.headers

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> tuple[dict[str, Any], int]:
        return body(exc.code, exc.message, exc.details or None), STATUS.get(exc.kind, 409)


def _validation_message(detail: dict[str, Any]) -> str:
    """Flatten APIFlask's {location: {field: [messages]}} into one readable sentence."""
    parts = []
    for location, fields in detail.items():
        if isinstance(fields, dict):
            for field, messages in fields.items():
                text = "; ".join(messages) if isinstance(messages, list) else str(messages)
                parts.append(f"{field}: {text}" if field != "_schema" else text)
        else:
            parts.append(f"{location}: {fields}")
    return "请求内容有误 / invalid request: " + " | ".join(parts)
