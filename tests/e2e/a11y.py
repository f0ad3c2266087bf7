"""What every page must pass: axe-core finds no violation; every control is reached with Tab
and shows where the focus is; and, when asked for, its screenshot for docs/console.md.

The screenshots are written only with REPAIRLINK_SCREENSHOTS=1 (see docs/console.md), so that
`make test` leaves a clean tree clean."""

from __future__ import annotations

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"
_axe = Axe()
MAX_SHOT_HEIGHT = 2400  # px: a long report is shown by its top
TAKE_SHOTS = os.environ.get("REPAIRLINK_SCREENSHOTS") == "1"

# Everything that takes focus, visible, outside closed dialogs; radio groups take one Tab stop.
_FOCUSABLE = """() => {
  const all = document.querySelectorAll(
    'a[href], button:not([disabled]), summary, [tabindex]:not([tabindex="-1"]),'
    + ' input:not([type=hidden]):not([disabled]):not([type=radio]),'
    + ' select:not([disabled]), textarea:not([disabled])');
  const shown = [...all].filter(
    el => el.getClientRects().length > 0 && !el.closest('dialog:not([open])'));
  shown.forEach((el, i) => el.dataset.kbd = String(i));
  return shown.length;
}"""
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const visible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                  || style.boxShadow !== 'none';
  return {index: el.dataset.kbd ?? null, visible: visible, tag: el.outerHTML.slice(0, 80)};
}"""


def assert_accessible(page: Page) -> None:
    results = _axe.run(page)
    found = results.response["violations"]
    assert not found, "axe-core: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in found
    )


def assert_keyboard_reachable(page: Page) -> None:
    """Tab from the top reaches every control, each with a visible focus indicator."""
    total = page.evaluate(_FOCUSABLE)
    page.locator('[data-kbd="0"]').focus()  # the first stop (the skip link), then Tab on
    reached: set[str] = set()
    for step in range(total + 12):  # a date-time input takes a Tab per part
        if len(reached) == total:
            break
        if step:
            page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None or focused["index"] is None:
            continue
        assert focused["visible"], f"no visible focus on {focused['tag']}"
        reached.add(focused["index"])
    missing = sorted(set(map(str, range(total))) - reached, key=int)
    assert not missing, f"{len(missing)} of {total} controls are not reached with Tab: {missing}"


def check_page(page: Page, name: str) -> None:
    """axe, keyboard, then (with REPAIRLINK_SCREENSHOTS=1) the screenshot docs/console.md shows."""
    assert_accessible(page)
    assert_keyboard_reachable(page)
    if TAKE_SHOTS:
        screenshot(page, name)


def screenshot(page: Page, name: str) -> None:
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = min(page.evaluate("() => document.documentElement.scrollHeight"), MAX_SHOT_HEIGHT)
    clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height}  # type: ignore[index]
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, clip=clip)


def press(page: Page, name: str, role: str = "button") -> None:
    """Operate a control from the keyboard: focus it, press Enter."""
    page.get_by_role(role, name=name).focus()  # type: ignore[arg-type]
    page.keyboard.press("Enter")
