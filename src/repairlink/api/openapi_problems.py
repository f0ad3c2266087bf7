"""The OpenAPI document says what errors each operation may answer, as RFC 9457 problems
(`application/problem+json`, the `Problem` schema), as docs/api.md promises: clients and
contract testers (schemathesis) can then hold every answer to the document."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from repairlink.api.problems import MEDIA_TYPE

PROBLEM: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An error, as RFC 9457 describes (docs/api.md)",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "example": "urn:repairlink:problem:issue.not_found"},
        "title": {"type": "string", "example": "Not Found"},
        "status": {"type": "integer", "example": 404},
        "detail": {"type": "string", "example": "No issue 12"},
        "code": {"type": "string", "example": "issue.not_found"},
        "field": {"type": ["string", "null"], "description": "The field at fault"},
        "rule": {"type": ["string", "null"], "description": "The SPEC rule at stake"},
        "errors": {
            "type": "array",
            "description": "Each field at fault (request.invalid)",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
ERRORS = {
    "400": "The request cannot be read",
    "401": "No, unknown, expired or revoked credentials",
    "403": "The role may not do this",
    "404": "No such record in your agency",
    "405": "The route does not take this method",
    "409": "The record's state forbids it; nothing changed",
    "413": "The body or an upload is too large",
    "415": "The body's media type is not one this route reads",
    "422": "A value breaks a rule, or the body does not match the schema",
    "429": "Too many requests: wait as Retry-After says",
    "500": "Something went wrong on our side",
}
IDEMPOTENCY_KEY: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Send the same key to retry safely: the first answer is answered again "
    "(Idempotent-Replayed: true); the same key with a different request answers 422",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}
METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


def _problem_response(description: str) -> dict[str, Any]:
    ref = {"$ref": "#/components/schemas/Problem"}
    return {"description": description, "content": {MEDIA_TYPE: {"schema": ref}}}


def with_problems(document: dict[str, Any]) -> dict[str, Any]:
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    schemas = document["components"]["schemas"]
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)  # FastAPI's own shape: we answer problems instead
    for path, operations in document.get("paths", {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            if method == "post" and not path.startswith("/api/v1/auth/"):
                operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses[status] = _problem_response(description)
    return document


def install(api: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            document = get_openapi(
                title=api.title,
                version=api.version,
                openapi_version=api.openapi_version,
                description=api.description,
                routes=api.routes,
                tags=api.openapi_tags,
            )
            api.openapi_schema = with_problems(document)
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]
