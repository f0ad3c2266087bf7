"""What an agent reads of a run's set-aside records (S-04): the console's run page, whose
list of records that could not be read says each one's reason in plain words."""

from __future__ import annotations

import html
import re

from repairlink.bootstrap import App
from tests.integration.console_login import console_as_admin

SET_ASIDE = re.compile(r"<h2>Set aside: records that could not be read</h2>\s*<ul>(.*?)</ul>", re.S)
# what a Python error says, which no reason may
PYTHON = ("object has no attribute", "argument must be", "fromisoformat", "Error", "'str'", "?")


def set_aside_on_the_run_page(app: App, agency_id: int, run_id: int) -> list[str]:
    """Each record the console's page for the run lists as set aside, as the agent reads it."""
    with console_as_admin(app, agency_id) as console:
        page = console.get(f"/integrations/runs/{run_id}")
        assert page.status_code == 200, page.text
    found = SET_ASIDE.search(page.text)
    assert found, "the run page has its set-aside list"
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    return [html.unescape(" ".join(item.split())) for item in items]


def assert_plain(lines: list[str], fields: str) -> None:
    """Every line a broken item made names a field of `fields` (a pattern) and what was wrong
    with it, in words; a record without its id is told otherwise than "reference ?". (A record
    naming one set aside is set aside too, for its unknown reference.)"""
    assert lines
    assert "No record was quarantined." not in lines
    for line in lines:
        assert not any(text in line for text in PYTHON), line
        if " not known here" in line:
            continue
        assert re.search(rf"\b({fields})( is missing|: expected )", line), line
        if "with no reference" in line:
            assert re.search(
                r"is missing \((at|named|tenants|number|described as|item) .+\)$", line
            ), line
