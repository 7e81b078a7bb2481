"""The whiteboard canvas with the pointer, in headless Chromium: a palette tile dropped where the
pointer is, two blocks connected and the connection's flow changed on it, a box selection moved at once,
shift-click adding to the selection, a block renamed on the canvas, and a findings badge asking for its findings.

The page and the helpers that act on it and read it: tests/browser/whiteboard_canvas.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.whiteboard_canvas import GRID, NODE_H, NODE_W, Events, centre, open_canvas, settle, shown, to_canvas

pytestmark = pytest.mark.browser


def test_a_palette_tile_dropped_on_the_canvas_adds_a_block_at_the_pointer(wb_url: str, page: Any,
                                                                          shot: Callable[..., Path]) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    pane = frame.locator(".react-flow__pane")
    box = pane.bounding_box()
    target = {"x": box["width"] * 0.3, "y": box["height"] * 0.75}
    frame.get_by_test_id("tile-cache").drag_to(pane, target_position=target)
    event = events.next("add")
    want = to_canvas(frame, box["x"] + target["x"], box["y"] + target["y"])
    assert event["kind"] == "cache"
    assert abs(event["x"] + NODE_W / 2 - want[0]) <= GRID and abs(event["y"] + NODE_H / 2 - want[1]) <= GRID
    frame.locator(".react-flow__node[data-testid], .react-flow__node").filter(has_text="Cache").first.wait_for()
    settle(page, "blocks", lambda b: any(v[0] == "cache" for v in b.values()))
    shot("whiteboard-palette-drop")


def test_connect_then_change_the_flow_on_the_connection(wb_url: str, page: Any, shot: Callable[..., Path]) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    ranker = frame.locator(".react-flow__node[data-id='ranker']")
    ranker.hover()
    source = centre(frame.locator(".react-flow__node[data-id='ranker'] .react-flow__handle.source").bounding_box())
    target = centre(frame.locator(".react-flow__node[data-id='features'] .react-flow__handle.target").bounding_box())
    page.mouse.move(*source)
    page.mouse.down()
    page.mouse.move((source[0] + target[0]) / 2, (source[1] + target[1]) / 2, steps=5)
    page.mouse.move(*target, steps=5)
    page.mouse.up()
    event = events.next("connect")
    assert (event["source"], event["target"], event["flow"]) == ("ranker", "features", "request")
    conns = settle(page, "connections", lambda c: ["ranker", "features", "request", False] in c.values())
    new_id = next(k for k, v in conns.items() if v[:2] == ["ranker", "features"])
    # the new connection's menu opens where it was dropped: its flow is chosen right there
    menu = frame.get_by_role("dialog", name=f"Connection {new_id}")
    menu.wait_for()
    menu_box = menu.bounding_box()
    assert abs(menu_box["x"] - target[0]) < 40 and abs(menu_box["y"] - target[1]) < 40
    menu.get_by_role("button", name="stream").click()
    event = events.next("set_flow")
    assert (event["connection"], event["flow"]) == (new_id, "stream")
    settle(page, "connections", lambda c: c[new_id][2] == "stream")
    menu.get_by_role("button", name="Close").click()

    # the request edge gw -> ranker is a horizontal line: click its middle
    gw = frame.locator(".react-flow__node[data-id='gw']").bounding_box()
    rk = frame.locator(".react-flow__node[data-id='ranker']").bounding_box()
    page.mouse.click((gw["x"] + gw["width"] + rk["x"]) / 2, gw["y"] + gw["height"] / 2)
    menu = frame.get_by_test_id("edge-menu")
    menu.wait_for()
    shot("whiteboard-edge-menu")
    menu.get_by_role("button", name="stream").click()
    event = events.next("set_flow", lambda e: e["connection"] == "c1")
    assert (event["connection"], event["flow"]) == ("c1", "stream")
    settle(page, "connections", lambda c: c["c1"][2] == "stream")
    frame.locator(".react-flow__edge[data-id='c1'] path.flow-stream").wait_for(state="attached")
    shot("whiteboard-stream-edge")


def test_box_select_then_move_both(wb_url: str, page: Any, shot: Callable[..., Path]) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    gw = frame.locator(".react-flow__node[data-id='gw']").bounding_box()
    ranker = frame.locator(".react-flow__node[data-id='ranker']").bounding_box()
    before = shown(page, "blocks")
    page.mouse.move(gw["x"] - 20, gw["y"] - 20)  # a drag on the empty canvas draws a selection box
    page.mouse.down()
    page.mouse.move(ranker["x"] + ranker["width"] + 20, ranker["y"] + ranker["height"] + 20, steps=8)
    page.mouse.up()
    event = events.next("select")
    assert event["blocks"] == ["gw", "ranker"]
    start = centre(frame.locator(".react-flow__node[data-id='gw']").bounding_box())
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 60, start[1] + 80, steps=8)
    page.mouse.up()
    event = events.next("move")
    assert sorted(event["positions"]) == ["gw", "ranker"]
    after = settle(page, "blocks", lambda b: b["gw"] != before["gw"])
    for block in ("gw", "ranker"):
        assert after[block][1] > before[block][1] and after[block][2] > before[block][2]
    assert after["features"] == before["features"]
    shot("whiteboard-group-move")


def test_shift_click_adds_to_the_selection(wb_url: str, page: Any) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    frame.locator(".react-flow__node[data-id='gw']").click()
    assert events.next("select")["blocks"] == ["gw"]
    frame.locator(".react-flow__node[data-id='features']").click(modifiers=["Shift"])
    assert events.next("select")["blocks"] == ["features", "gw"]


def test_rename_on_the_block_and_ask_for_auto_layout(wb_url: str, page: Any) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    frame.locator(".react-flow__node[data-id='gw'] .mlsd-block-label").dblclick()
    field = frame.get_by_role("textbox", name="Block label")
    field.fill("Edge gateway")
    field.press("Enter")
    event = events.next("set_label")
    assert (event["block"], event["label"]) == ("gw", "Edge gateway")
    frame.locator(".react-flow__node[data-id='gw']").get_by_text("Edge gateway").wait_for()
    frame.get_by_role("button", name="Auto-layout").click()
    assert events.next("auto_layout")["blocks"] == ["gw"]  # the selection (the renamed block)


def test_a_findings_badge_asks_for_the_block_s_findings(wb_url: str, page: Any) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    badge = frame.locator(".react-flow__node[data-id='ranker'] .mlsd-badge")
    assert "finding" in badge.get_attribute("aria-label")
    badge.click()
    assert events.next("findings")["block"] == "ranker"
