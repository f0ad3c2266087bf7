"""Waiting for what the embedded runner does in the background: reload the page until an
element shows the text, each look auto-waiting a little, the whole bounded by a deadline."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

LOOK_MS = 1_500  # one look's auto-wait before the next reload


def reload_until(
    page: Page,
    where: Callable[[], Locator],
    text: str | re.Pattern[str],
    *,
    timeout_s: float = 60,
) -> None:
    """`where()` is called after each reload (the old locator's page is gone)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            expect(where()).to_have_text(text, timeout=LOOK_MS)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        page.reload()
