"""How the whiteboard canvas is drawn, in headless Chromium: read-only (no palette, nothing moves),
no serious axe-core violation, the palette folding away to give the drawing the width, and orthogonal routing as a
toggle.

The page and the helpers that act on it and read it: tests/browser/whiteboard_canvas.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.whiteboard_canvas import Events, centre, open_canvas, shown

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def test_read_only_has_no_palette_and_nothing_moves(wb_url: str, page: Any, shot: Callable[..., Path]) -> None:
    frame = open_canvas(page, wb_url, "?ro=1")
    events = Events(page)
    assert frame.locator(".mlsd-palette").count() == 0
    before = shown(page, "blocks")
    start = centre(frame.locator(".react-flow__node[data-id='gw']").bounding_box())
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 80, start[1] + 80, steps=8)
    page.mouse.up()
    frame.locator(".react-flow__node[data-id='features']").click()
    page.keyboard.press("Delete")
    page.wait_for_timeout(1000)  # give a (wrong) event time to arrive
    assert shown(page, "blocks") == before
    assert {e["type"] for e in events.all()} <= {"select"}
    shot("whiteboard-read-only")


def test_the_canvas_has_no_serious_accessibility_violation(wb_url: str, page: Any) -> None:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: scripts/test.sh installs it with npm ci")
        pytest.skip("axe-core is not installed (npm ci --prefix tests/browser/axe)")
    open_canvas(page, wb_url)
    frame = page.frame(url=lambda u: "mlsd_whiteboard" in u)
    assert frame is not None and frame.locator(".react-flow__node").count() == 3
    frame.add_script_tag(path=str(AXE))
    found = frame.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.html.slice(0, 120))}))")
    assert [v for v in found if v["impact"] in ("critical", "serious")] == []


def test_the_palette_folds_away_and_gives_the_drawing_the_width(wb_url: str, page: Any,
                                                                 shot: Callable[..., Path]) -> None:
    frame = open_canvas(page, wb_url)
    wide = frame.locator(".react-flow__pane").bounding_box()["width"]
    gw = frame.locator(".react-flow__node[data-id='gw']")

    def offset() -> float:  # the block's distance from the canvas' left edge
        return float(gw.bounding_box()["x"] - frame.locator(".react-flow__pane").bounding_box()["x"])

    before = offset()
    frame.get_by_test_id("palette-toggle").click()
    frame.get_by_test_id("tile-cache").wait_for(state="detached")
    assert frame.locator(".react-flow__pane").bounding_box()["width"] > wide + 100
    for _ in range(30):  # the view is fitted again to the wider canvas: the drawing moves to its new middle
        if offset() > before + 40:
            break
        page.wait_for_timeout(100)
    assert offset() > before + 40
    shot("whiteboard-palette-folded")
    frame.get_by_test_id("palette-toggle").click()
    frame.get_by_test_id("tile-cache").wait_for()
    frame.get_by_role("searchbox", name="Search blocks").fill("vector")
    assert frame.locator(".mlsd-tile").count() == 1


def test_orthogonal_routing_is_a_toggle(wb_url: str, page: Any) -> None:
    frame = open_canvas(page, wb_url)
    edge = frame.locator(".react-flow__edge[data-id='c1'] path.mlsd-edge")
    assert "C" in (edge.get_attribute("d") or "")  # a curve
    frame.get_by_role("button", name="Orthogonal connections").click()
    frame.locator(".react-flow__edge[data-id='c1'] path.mlsd-edge.orthogonal").wait_for(state="attached")
    assert "C" not in (edge.get_attribute("d") or "")  # lines and rounded corners (quadratic)
    frame.get_by_role("button", name="Orthogonal connections").click()
    frame.locator(".react-flow__edge[data-id='c1'] path.mlsd-edge.orthogonal").wait_for(state="detached")
