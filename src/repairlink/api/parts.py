"""A multipart body read as it arrives, only to measure it: each part's name, whether it is a
file, its size, and the text of the parts that are not files (to check their characters).
The route parses the body again with Starlette; this only decides whether it gets that far."""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.multipart import MultipartParser, parse_options_header

TEXT_PART_MAX = 1024 * 1024  # Starlette's own limit for a part that is not a file


@dataclass
class Part:
    name: str = ""
    is_file: bool = False
    size: int = 0
    text: bytearray = field(default_factory=bytearray)


class PartsMeter:
    """Feed it the body's chunks; `oversized` names the first file part over `upload_max`."""

    def __init__(self, content_type: bytes, upload_max: int) -> None:
        _, options = parse_options_header(content_type)
        self.upload_max = upload_max
        self.boundary: bytes = options.get(b"boundary", b"")
        self.parts: list[Part] = []
        self.oversized: Part | None = None
        self._header_name = b""
        self._header_value = b""
        self._parser = MultipartParser(
            self.boundary,
            {
                "on_part_begin": self._begin,
                "on_header_field": self._field,
                "on_header_value": self._value,
                "on_header_end": self._header_end,
                "on_part_data": self._data,
            },
        )

    def feed(self, chunk: bytes) -> None:
        self._parser.write(chunk)

    def _begin(self) -> None:
        self.parts.append(Part())

    def _field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition" and self.parts:
            _, options = parse_options_header(self._header_value)
            self.parts[-1].name = options.get(b"name", b"").decode("utf-8", "replace")
            self.parts[-1].is_file = b"filename" in options
        self._header_name, self._header_value = b"", b""

    def _data(self, data: bytes, start: int, end: int) -> None:
        part = self.parts[-1]
        part.size += end - start
        if part.is_file:
            if part.size > self.upload_max and self.oversized is None:
                self.oversized = part
        elif len(part.text) < TEXT_PART_MAX:
            part.text += data[start:end]
