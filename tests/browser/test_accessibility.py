"""Accessibility in headless Chromium: axe-core finds no critical or serious violation on the Board (its main
view with a design on the canvas, the History side panel, and the "Load & failures" view), the Library (the
table, and a revision opened read-only on the canvas), Practice (the prompt list, and a running session with
its clock, notes and canvas), a shared link's read-only view and the Rules page; the Load view works from the
keyboard alone (the tab opens with Enter, the simulation runs with Enter on its focused button). axe checks the
page and, inside the canvas' frame, the canvas too (``axe.run`` descends into iframes where axe is loaded).

axe-core comes from tests/browser/axe (``npm ci`` in scripts/test.sh, from its lockfile).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.io import load_file
from mlsd.store import open_store
from tests.browser.conftest import open_board

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TEMPLATE = ROOT / "designs" / "video_recommendations.json"
BLOCKING = ("critical", "serious")


@pytest.fixture
def app(tmp_path: Path, start_app: Any) -> Iterator[str]:
    """The app with its own library at ``tmp_path / "library.db"``."""
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: scripts/test.sh installs it with npm ci")
        pytest.skip("axe-core is not installed (npm ci --prefix tests/browser/axe)")
    with start_app(tmp_path, None) as url:
        yield url


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's critical and serious violations on the page as it is now, once Streamlit's toasts are gone
    (``st.toast`` renders a role=alertdialog without an accessible name: Streamlit's own element, and it leaves
    by itself after a few seconds)."""
    page.locator("[data-testid='stToast']").first.wait_for(state="detached", timeout=20_000)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=60_000)  # the run is over
    for frame in page.frames[1:]:  # the canvas' frames: axe.run checks inside a frame where axe is loaded
        frame.add_script_tag(path=str(AXE))
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html.slice(0, 120))}))")
    return [v for v in found if v["impact"] in BLOCKING]


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
