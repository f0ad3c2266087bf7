"""A connector's settings form, drawn from its typed config (the Pydantic model in
`connectors/<pms>/config.py`), and the posted form read back into settings for it to validate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, HttpUrl, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from starlette.datastructures import FormData

from repairlink.web.plain import plain


@dataclass
class FormField:
    name: str
    title: str
    description: str
    widget: str  # text | url | password | number | date | checkboxes | radios | checkbox
    value: Any
    options: list[str] = field(default_factory=list)
    step: str = "1"
    required: bool = False
    error: str = ""


def _choices(info: FieldInfo, annotation: Any) -> list[str]:
    extra = info.json_schema_extra
    options = extra.get("options") if isinstance(extra, dict) else None
    if isinstance(options, list):
        return [str(o) for o in options]
    return [str(a) for a in get_args(annotation)] if get_origin(annotation) is Literal else []


def _widget(info: FieldInfo) -> tuple[str, list[str], str]:
    annotation = info.annotation
    if get_origin(annotation) is list:
        choices = _choices(info, get_args(annotation)[0])
        # a list with no choices to offer (Propertyware's portfolio ids): typed, comma-separated
        return ("checkboxes", choices, "") if choices else ("text", [], "")
    if get_origin(annotation) is Literal:
        return "radios", _choices(info, annotation), ""
    if annotation is SecretStr:
        return "password", [], ""
    if annotation is bool:
        return "checkbox", [], ""
    if annotation is int:
        return "number", [], "1"
    if annotation is float:
        return "number", [], "any"
    if annotation is HttpUrl:
        return "url", [], ""
    if annotation is date:  # the browser's own date picker, in the person's locale
        return "date", [], ""
    return "text", [], ""


def fields_of(
    model: type[BaseModel], current: dict[str, Any] | None, errors: dict[str, str]
) -> list[FormField]:
    drawn = []
    for name, info in model.model_fields.items():
        widget, options, step = _widget(info)
        if current is not None and name in current:
            value = current[name]
        elif not info.is_required():
            value = info.get_default(call_default_factory=True)
        else:
            value = [] if widget == "checkboxes" else ""
        if widget == "password":
            value = ""  # never sent back to the browser
        elif widget == "text" and isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        drawn.append(
            FormField(
                name=name,
                title=plain(info.title) or name.replace("_", " ").capitalize(),
                description=plain(info.description),
                widget=widget,
                value=value,
                options=options,
                step=step,
                required=info.is_required() and widget not in ("checkboxes", "password"),
                error=errors.get(name, ""),
            )
        )
    return drawn


def read(model: type[BaseModel], form: FormData, current: dict[str, Any] | None) -> dict[str, Any]:
    """The posted values, typed as the model expects. A blank secret keeps the saved one."""
    settings: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        widget, _, _ = _widget(info)
        if widget == "checkboxes":
            settings[name] = [v for v in form.getlist(name) if isinstance(v, str)]
        elif widget == "checkbox":
            settings[name] = form.get(name) == "yes"
        else:
            raw = form.get(name)
            text = raw.strip() if isinstance(raw, str) else ""
            if widget == "password" and not text and current and current.get(name):
                text = str(current[name])
            if get_origin(info.annotation) is list:
                settings[name] = [v.strip() for v in text.split(",") if v.strip()]
            elif text or info.is_required():
                settings[name] = text
    return settings


def errors_of(exc: ValidationError) -> dict[str, str]:
    """field -> message; the first error of each field."""
    found: dict[str, str] = {}
    for error in exc.errors():
        where = str(error["loc"][0]) if error["loc"] else "settings"
        found.setdefault(where, plain(str(error["msg"]).removeprefix("Value error, ")))
    return found
