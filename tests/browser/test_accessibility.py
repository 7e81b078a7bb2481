"""Accessibility in headless Chromium: axe-core finds no critical or serious violation on the Board (its main
view with a design on the canvas, the History side panel, and the "Load & failures" view), the Library (the
table, and a revision opened read-only on the canvas), Practice (the prompt list, and a running session with
its clock, notes and canvas), a shared link's read-only view and the Rules page; the Load view works from the
keyboard alone (the tab opens with Enter, the simulation runs with Enter on its focused button). axe checks the
page and, inside the canvas' frame, the canvas too (``axe.run`` descends into iframes where axe is loaded).

axe-core comes from tests/browser/axe (``npm ci`` in scripts/test.sh, from its lockfile): tests/browser/axe_check.py.
The Workspace page and a viewer's read-only Board are checked in the sign-in journey (they need sign-in).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.io import load_file
from mlsd.store import open_store
from tests.browser.axe_check import require_axe, violations
from tests.browser.conftest import open_board

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "designs" / "video_recommendations.json"


@pytest.fixture
def app(tmp_path: Path, start_app: Any) -> Iterator[str]:
    """The app with its own library at ``tmp_path / "library.db"``."""
    require_axe()
    with start_app(tmp_path, None) as url:
        yield url


def test_load_view_is_accessible_and_works_from_the_keyboard(app: str, page: Any) -> None:
    template = load_file(TEMPLATE)
    page.set_viewport_size({"width": 1440, "height": 900})
    open_board(page, app)
    page.get_by_role("button", name=template.name).first.click()
    page.frame_locator("iframe[title='components.whiteboard.mlsd_whiteboard']").locator(
        ".react-flow__node[data-id='kms']").wait_for()
    tab = page.get_by_role("tab", name="Load & failures", exact=True)
    tab.focus()
    page.keyboard.press("Enter")
    page.locator(".js-plotly-plot").filter(has_text="p99 against load").wait_for()
    assert tab.get_attribute("aria-selected") == "true"
    assert violations(page) == []
    run = page.get_by_role("button", name="Run simulation")
    run.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Simulated at").first.wait_for(timeout=120_000)
    assert violations(page) == []


def test_rules_page_is_accessible(app: str, page: Any) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app + "/rules")
    page.get_by_text("How the numbers are computed").first.wait_for()
    assert violations(page) == []


CANVAS = "iframe[title='components.whiteboard.mlsd_whiteboard']"


def test_board_main_view_and_history_panel_are_accessible(app: str, page: Any) -> None:
    template = load_file(TEMPLATE)
    page.set_viewport_size({"width": 1440, "height": 900})
    open_board(page, app)
    page.get_by_role("button", name=template.name).first.click()
    page.frame_locator(CANVAS).locator(".react-flow__node[data-id='kms']").wait_for()
    assert violations(page) == []
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved · revision 1").first.wait_for()
    page.get_by_role("button", name="History", exact=True).click()
    page.locator(".st-key-board-rev-1").wait_for()
    assert violations(page) == []


def test_library_and_a_read_only_revision_are_accessible(app: str, page: Any) -> None:
    template = load_file(TEMPLATE)
    page.set_viewport_size({"width": 1440, "height": 900})
    open_board(page, app)
    page.get_by_role("button", name=template.name).first.click()
    page.frame_locator(CANVAS).locator(".react-flow__node[data-id='kms']").wait_for()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved · revision 1").first.wait_for()
    page.get_by_test_id("stTopNav").get_by_role("link", name="Library", exact=True).click()
    page.locator("[class*='st-key-lib-row-']").first.wait_for()
    assert violations(page) == []
    page.locator("[class*='st-key-lib-row-']").first.get_by_role("button", name="More").click()
    page.get_by_text("History & diff", exact=True).click()
    page.locator(".st-key-hist-rev-1").get_by_role("button", name="View").click()
    page.frame_locator(CANVAS).locator(".mlsd-root.read-only .react-flow__node[data-id='kms']").wait_for()
    assert violations(page) == []


def test_practice_list_and_a_running_session_are_accessible(app: str, page: Any) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app + "/practice")
    page.get_by_text("Interview practice").first.wait_for()
    assert violations(page) == []
    page.get_by_role("button", name="Start the clock").click()
    page.get_by_text(re.compile(r"Phase 1 of \d")).first.wait_for()
    page.frame_locator(CANVAS).get_by_role("searchbox", name="Search blocks").wait_for()
    assert violations(page) == []


def test_the_shared_view_is_accessible(app: str, page: Any, tmp_path: Path) -> None:
    with open_store(tmp_path / "library.db") as store:
        share = store.create_share(store.create(load_file(TEMPLATE)).design_id)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{app}/?share={share.token}")
    page.frame_locator(CANVAS).locator(".mlsd-root.read-only .react-flow__node[data-id='kms']").wait_for()
    assert violations(page) == []


def test_review_comments_work_from_the_keyboard_and_are_accessible(app: str, page: Any, tmp_path: Path) -> None:
    """The Comments tab opens with Enter, a comment is written and sent without the mouse (Tab to the button,
    Enter), and axe finds nothing blocking on the panel with its thread, nor on a shared link that shows it."""
    template = load_file(TEMPLATE)
    page.set_viewport_size({"width": 1440, "height": 900})
    open_board(page, app)
    page.get_by_role("button", name=template.name).first.click()
    page.frame_locator(CANVAS).locator(".react-flow__node[data-id='kms']").wait_for()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved · revision 1").first.wait_for()
    tab = page.get_by_role("tab", name="Comments", exact=True)
    tab.focus()
    page.keyboard.press("Enter")
    box = page.get_by_label("New comment")
    box.wait_for()
    assert tab.get_attribute("aria-selected") == "true"
    box.focus()
    page.keyboard.type("Is <b>one</b> key store enough?")
    send = page.get_by_role("button", name="Comment", exact=True)
    for _ in range(6):  # Tab from the text box reaches the Comment button (past the character counter, if any)
        page.keyboard.press("Tab")
        if send.evaluate("b => b === document.activeElement"):
            break
    assert send.evaluate("b => b === document.activeElement")
    page.keyboard.press("Enter")
    thread = page.locator("[class*='st-key-board-thread-']").first
    thread.get_by_text("Is <b>one</b> key store enough?").wait_for()  # shown as text, not as HTML
    assert violations(page) == []

    with open_store(tmp_path / "library.db") as store:
        design_id = store.list_designs().items[0].id
        share = store.create_share(design_id, show_comments=True)
    page.goto(f"{app}/?share={share.token}")
    page.get_by_text("Is <b>one</b> key store enough?").first.wait_for()
    assert violations(page) == []
