"""The whiteboard canvas kept in step with Python, in headless Chromium: a block selected in Python is
selected on the canvas and brought into view, and a canvas drawn afresh asks for and gets the whole graph again.

The page and the helpers that act on it and read it: tests/browser/whiteboard_canvas.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.whiteboard_canvas import Events, open_canvas, settle

pytestmark = pytest.mark.browser


def test_a_block_selected_in_python_is_selected_and_brought_into_view(wb_url: str, page: Any,
                                                                      shot: Callable[..., Path]) -> None:
    frame = open_canvas(page, wb_url)
    pane = frame.locator(".react-flow__pane").bounding_box()
    page.mouse.move(pane["x"] + pane["width"] / 2, pane["y"] + pane["height"] / 2)
    page.mouse.wheel(1500, 1500)  # the wheel pans: every block goes out of sight
    features = frame.locator(".react-flow__node[data-id='features']")

    def inside() -> bool:
        b = features.bounding_box()
        return bool(b and pane["x"] <= b["x"] and b["x"] + b["width"] <= pane["x"] + pane["width"]
                    and pane["y"] <= b["y"] and b["y"] + b["height"] <= pane["y"] + pane["height"])

    page.wait_for_timeout(500)
    assert not inside()
    page.get_by_label("Select in Python").click()
    page.get_by_role("option", name="features").click()
    features.and_(frame.locator(".selected")).wait_for()
    page.wait_for_timeout(600)  # the view glides there
    assert inside()
    assert "selected" not in (frame.locator(".react-flow__node[data-id='gw']").get_attribute("class") or "")
    shot("whiteboard-selected-from-python")


def test_a_fresh_canvas_gets_the_whole_graph_again(wb_url: str, page: Any) -> None:
    """Once the canvas has sent an event Python sends it only changes; a canvas drawn afresh (here: its frame
    reloaded) cannot apply them, asks for the whole graph, and draws what Python holds."""
    frame = open_canvas(page, wb_url)
    events = Events(page)
    inner = page.frame(url=lambda u: "mlsd_whiteboard" in u)
    assert inner is not None
    inner.evaluate("""() => window.addEventListener('message', (e) => {
        if (e.data && e.data.type === 'streamlit:render') window.lastProps = e.data.args; })""")
    frame.locator(".react-flow__node[data-id='gw']").click()
    events.next("select")
    page.keyboard.press("ArrowDown")
    events.next("move")
    moved = settle(page, "blocks", lambda b: b["gw"][2] == 80.0)
    for _ in range(50):  # the redraw after the move: the one moved block, not the graph
        last = inner.evaluate("() => window.lastProps && window.lastProps.changes ? window.lastProps : null")
        if last:
            break
        page.wait_for_timeout(100)
    assert last and "graph" not in last and [n["id"] for n in last["changes"]["nodes"]] == ["gw"]
    inner.evaluate("location.reload()")
    page.wait_for_timeout(500)
    frame.locator(".react-flow__node[data-id='features']").wait_for()
    style = frame.locator(".react-flow__node[data-id='gw']").get_attribute("style") or ""
    assert f"translate({moved['gw'][1]:g}px, {moved['gw'][2]:g}px)" in style
    assert frame.locator(".react-flow__node").count() == 3 and frame.locator(".react-flow__edge").count() == 1
    assert "resync" not in {e["type"] for e in events.all()}  # handled by the component, not the page
