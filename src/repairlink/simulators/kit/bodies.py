"""Reading a write's body: JSON, or a form of text fields and file parts.

A body of another content type is 415, a body that does not parse a 400 naming it, as the
ASP.NET-style APIs the simulators play answer.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from .errors import FieldError, UnsupportedMedia

JSON_TYPES = ("application/json", "text/json")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def json_body(request: Request) -> Any:
    """A JSON body (application/json, text/json or any +json type, as ASP.NET takes)."""
    kind = media_type(request)
    if kind not in JSON_TYPES and not kind.endswith("+json"):
        raise UnsupportedMedia(f"Content-Type must be JSON, not {kind or 'missing'}.")
    try:
        return json.loads(await request.body())
    except ValueError as error:
        raise FieldError("body", "is not valid JSON.") from error


def require_form(request: Request) -> None:
    kind = media_type(request)
    if kind not in FORM_TYPES:
        raise UnsupportedMedia(
            f"Content-Type must be multipart/form-data, not {kind or 'missing'}."
        )


def form_text(form: FormData, name: str) -> str | None:
    """A text field of a form; a file part under that name is a 400."""
    value = form.get(name)
    if isinstance(value, UploadFile):
        raise FieldError(name, "must be a text field, not a file.")
    return value


def form_texts(form: FormData, file_fields: tuple[str, ...] = ()) -> dict[str, str]:
    """Every text field of a form as posted; a file part is a 400 unless its field takes one."""
    posted: dict[str, str] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            posted[name] = value
        elif name not in file_fields:
            raise FieldError(name, "must be a text field, not a file.")
    return posted
