"""The whiteboard canvas alone, in headless Chromium: each journey acts on the canvas and reads the events Python
received (tests/browser/whiteboard_app.py lists them, with the design's blocks and connections).

Journeys: drag a palette tile onto the canvas (a block lands at the pointer), connect two blocks, change a
connection's flow on the connection itself, delete with the keyboard, box-select and move both blocks at once,
the read-only mode (no palette, nothing moves), and axe-core on the canvas. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import _free_port, _wait_healthy

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "whiteboard_app.py"
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
IFRAME = "iframe[title='components.whiteboard.mlsd_whiteboard']"
NODE_W, NODE_H, GRID = 180, 56, 20


@pytest.fixture(scope="module")
def wb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("whiteboard")
    port = _free_port()
    log = tmp / "streamlit.log"
    cmd = [sys.executable, "-m", "streamlit", "run", str(SCRIPT), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "MLSD_DB": str(tmp / "library.db")},
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def open_canvas(page: Any, url: str, query: str = "") -> Any:
    page.goto(url + "/" + query)
    frame = page.frame_locator(IFRAME)
    frame.locator(".react-flow__node[data-id='features']").wait_for()
    frame.locator(".react-flow__viewport").wait_for()
    page.wait_for_timeout(300)  # fit view settles after the first measurement
    return frame


def shown(page: Any, what: str) -> Any:
    text = page.get_by_text(f"{what}: ", exact=False).first.inner_text()
    return json.loads(text.split(": ", 1)[1])


class Events:
    """The events Python received (the test script lists them); ``next(kind)`` waits for the next one of a kind."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.used: dict[str, int] = {}

    def all(self) -> list[dict[str, Any]]:
        return list(shown(self.page, "events"))

    def next(self, kind: str, where: Callable[[dict[str, Any]], bool] = lambda e: True) -> dict[str, Any]:
        """The next unread event of ``kind`` (skipping those of that kind that do not satisfy ``where``)."""
        for _ in range(100):
            found = [e for e in self.all() if e.get("type") == kind]
            while len(found) > self.used.get(kind, 0):
                self.used[kind] = self.used.get(kind, 0) + 1
                if where(found[self.used[kind] - 1]):
                    return dict(found[self.used[kind] - 1])
            self.page.wait_for_timeout(100)
        raise AssertionError(f"no new {kind} event reached Python; received: {self.all()}")


def settle(page: Any, what: str, check: Callable[[Any], bool]) -> Any:
    """What the page shows under ``what`` once ``check`` holds (the script's texts arrive one after another)."""
    for _ in range(50):
        value = shown(page, what)
        if check(value):
            return value
        page.wait_for_timeout(100)
    raise AssertionError(f"{what}: {shown(page, what)}")


def centre(box: dict[str, float]) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def to_canvas(frame: Any, page_x: float, page_y: float) -> tuple[float, float]:
    """Page pixels to canvas units, from React Flow's viewport transform."""
    flow_box = frame.locator(".react-flow").bounding_box()
    transform = frame.locator(".react-flow__viewport").evaluate("e => getComputedStyle(e).transform")
    a, _, _, _, tx, ty = (float(v) for v in transform[len("matrix("):-1].split(","))
    return (page_x - flow_box["x"] - tx) / a, (page_y - flow_box["y"] - ty) / a


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


def test_orthogonal_routing_is_a_toggle(wb_url: str, page: Any) -> None:
    frame = open_canvas(page, wb_url)
    edge = frame.locator(".react-flow__edge[data-id='c1'] path.mlsd-edge")
    assert "C" in (edge.get_attribute("d") or "")  # a curve
    frame.get_by_role("button", name="Orthogonal connections").click()
    frame.locator(".react-flow__edge[data-id='c1'] path.mlsd-edge.orthogonal").wait_for(state="attached")
    assert "C" not in (edge.get_attribute("d") or "")  # lines and rounded corners (quadratic)
    frame.get_by_role("button", name="Orthogonal connections").click()
    frame.locator(".react-flow__edge[data-id='c1'] path.mlsd-edge.orthogonal").wait_for(state="detached")


def test_shift_click_adds_to_the_selection(wb_url: str, page: Any) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    frame.locator(".react-flow__node[data-id='gw']").click()
    assert events.next("select")["blocks"] == ["gw"]
    frame.locator(".react-flow__node[data-id='features']").click(modifiers=["Shift"])
    assert events.next("select")["blocks"] == ["features", "gw"]


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
