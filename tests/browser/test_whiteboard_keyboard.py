"""The whiteboard canvas from the keyboard, in headless Chromium: delete, focus and select, nudge,
duplicate, undo and redo (also after a click on the empty canvas), escape, an edge's flow, select all and move,
and the shortcuts that zoom to fit and lay out the whole design.

The page and the helpers that act on it and read it: tests/browser/whiteboard_canvas.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.whiteboard_canvas import GRID, Events, open_canvas, settle, shown

pytestmark = pytest.mark.browser


def test_delete_with_the_keyboard(wb_url: str, page: Any) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    frame.locator(".react-flow__node[data-id='features']").click()
    events.next("select")
    page.keyboard.press("Delete")
    event = events.next("remove")
    assert event["blocks"] == ["features"]
    settle(page, "blocks", lambda b: "features" not in b)
    frame.locator(".react-flow__node[data-id='features']").wait_for(state="detached")


def test_keyboard_focus_select_undo_duplicate_and_escape(wb_url: str, page: Any, shot: Callable[..., Path]) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    frame.get_by_role("searchbox", name="Search blocks").focus()
    focused = ""
    for _ in range(90):  # Tab past the palette tiles (and the connection) to the first block
        page.keyboard.press("Tab")
        focused = frame.locator(":focus").evaluate(
            "e => e.classList.contains('react-flow__node') ? e.getAttribute('data-id') : ''")
        if focused:
            break
    assert focused == "gw"
    ring = frame.locator(":focus").evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
    assert ring.startswith("solid") and not ring.endswith(" 0px")
    shot("whiteboard-focus-ring")
    page.keyboard.press("Enter")
    assert events.next("select")["blocks"] == ["gw"]
    page.keyboard.press("ArrowRight")
    assert events.next("move")["positions"] == {"gw": [60.0, 60.0]}  # one grid step right
    page.keyboard.press("Control+d")
    event = events.next("duplicate")
    assert event["blocks"] == ["gw"]
    settle(page, "blocks", lambda b: len(b) == 4)
    page.keyboard.press("Control+z")
    events.next("undo")
    page.keyboard.press("Control+Shift+z")
    events.next("redo")
    page.keyboard.press("Escape")
    events.next("select", lambda e: e["blocks"] == [])


def test_an_edge_s_flow_changes_from_the_keyboard(wb_url: str, page: Any) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    frame.locator(".react-flow__edge[data-id='c1']").focus()
    page.keyboard.press("Enter")
    frame.get_by_test_id("edge-menu").wait_for()
    page.keyboard.press("Tab")  # request (focused) -> stream
    page.keyboard.press("Tab")  # -> batch
    page.keyboard.press("Enter")
    assert events.next("set_flow")["flow"] == "batch"
    settle(page, "connections", lambda c: c["c1"][2] == "batch")
    page.keyboard.press("Escape")
    frame.get_by_test_id("edge-menu").wait_for(state="detached")


def test_ctrl_z_and_redo_work_after_a_click_on_the_empty_canvas(wb_url: str, page: Any) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    box = frame.locator(".react-flow__pane").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] - 30)  # an empty spot, bottom middle
    page.keyboard.press("Control+z")
    events.next("undo")
    page.keyboard.press("Control+Shift+z")
    events.next("redo")
    page.keyboard.press("Control+y")
    events.next("redo")


def test_select_all_then_shift_arrow_nudges_the_whole_selection(wb_url: str, page: Any) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    before = shown(page, "blocks")
    box = frame.locator(".react-flow__pane").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] - 30)
    page.keyboard.press("Control+a")
    assert events.next("select")["blocks"] == ["features", "gw", "ranker"]
    page.keyboard.press("Shift+ArrowDown")  # four grid steps
    moved = events.next("move")["positions"]
    assert moved == {b: [before[b][1], before[b][2] + 4 * GRID] for b in ("features", "gw", "ranker")}


def test_shortcuts_zoom_to_fit_and_lay_out_the_whole_design(wb_url: str, page: Any) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    pane = frame.locator(".react-flow__pane").bounding_box()
    page.mouse.click(pane["x"] + pane["width"] / 2, pane["y"] + pane["height"] - 30)  # the empty canvas
    page.keyboard.press("Shift+L")  # nothing selected: every block
    assert events.next("auto_layout")["blocks"] == []
    page.mouse.move(pane["x"] + pane["width"] / 2, pane["y"] + pane["height"] / 2)
    page.mouse.wheel(2000, 2000)  # every block out of sight
    gw = frame.locator(".react-flow__node[data-id='gw']")
    page.wait_for_timeout(300)
    assert gw.bounding_box()["x"] + gw.bounding_box()["width"] < pane["x"]
    page.keyboard.press("Shift+1")
    for _ in range(30):
        box = gw.bounding_box()
        if pane["x"] <= box["x"] and box["x"] + box["width"] <= pane["x"] + pane["width"]:
            break
        page.wait_for_timeout(100)
    assert pane["x"] <= box["x"] and box["x"] + box["width"] <= pane["x"] + pane["width"]
