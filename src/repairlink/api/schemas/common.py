"""Shared shapes: the page of a list, ids, the base classes of read and write models."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Name = Annotated[str, Field(max_length=255)]

T = TypeVar("T")


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class WriteModel(BaseModel):
    """Unknown fields are refused, so that a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class PageOf(BaseModel, Generic[T]):
    """Every list: one page of items and the cursor of the next page (null at the end)."""

    model_config = ConfigDict(from_attributes=True)

    items: list[T]
    next_cursor: str | None = None
