"""PW-07 in the browser: a 10,000-row file of owners imports with a progress indicator. While
the rows are checked and added the page shows a bar with the rows done of the total (the page
streams as the import goes); then the result. The import is held after its first thousand
rows until the test has looked, so that what a person sees mid-way is seen whatever the
machine's speed."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from repairlink.services.people_import import Progress
from repairlink.web.routes import people_import
from tests.e2e.a11y import assert_accessible, assert_keyboard_reachable, press
from tests.e2e.conftest import Agency, login

ROWS = 10_000
# The newest bar's words and values once the browser has that line whole, while no result is
# on the page (null: keep waiting)
NEWEST_BAR = """() => {
  const step = document.querySelector('.import-step:last-of-type');
  if (!step || !step.textContent.includes('rows') || document.getElementById('result')) return null;
  const bar = step.querySelector('progress');
  return {words: step.textContent.replace(/\\s+/g, ' ').trim(), value: bar.value, max: bar.max};
}"""


def _owners(rows: int) -> bytes:
    lines = [f"Owner,{n},owner{n}@example.com" for n in range(rows)]
    return ("first_name,surname,email\n" + "\n".join(lines) + "\n").encode()


@pytest.fixture
def held_after_1000_rows(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The console's import, waiting after its first thousand rows are checked until the
    event is set."""
    go_on = threading.Event()
    real = people_import.import_people

    def held(*args: Any, progress: Progress, **kwargs: Any) -> Any:
        def step(stage: str, done: int, total: int) -> None:
            progress(stage, done, total)
            if (stage, done) == ("checked", 1000):
                go_on.wait(60)

        return real(*args, progress=step, **kwargs)

    monkeypatch.setattr(people_import, "import_people", held)
    return go_on


def test_pw_07_a_10000_row_file_shows_rows_done_of_the_total_while_it_imports(
    page: Page, agency: Agency, held_after_1000_rows: threading.Event
) -> None:
    login(page, agency.email)
    page.goto("/people/import?kind=landlord")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "owners.csv", "mimeType": "text/csv", "buffer": _owners(ROWS)}]
    )
    press(page, "Upload")
    # locators wait for the page to finish loading, which it does not while the import runs
    mid_way = page.wait_for_function(NEWEST_BAR, polling=100).json_value()
    assert mid_way == {"words": "Checked 1,000 of 10,000 rows", "value": 1000, "max": 10000}
    held_after_1000_rows.set()
    result = page.get_by_role("status").filter(has_text="rows read")
    expect(result).to_have_text(f"{ROWS:,} rows read; {ROWS:,} added; 0 problems.", timeout=60_000)
    # the newest bar only: every row added
    expect(page.locator(".import-step:visible")).to_have_text(
        re.compile(r"\s*Added 10,000 of 10,000 rows\s*")
    )
    assert_accessible(page)
    assert_keyboard_reachable(page)
