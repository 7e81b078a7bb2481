"""Journey: a new user draws on the board in headless Chromium, saves, reloads, and finds it all as they left it.

Open the app, go to the Board, start from a template, drag a palette tile onto the canvas, delete the new block
with the keyboard and undo, drag a block, connect two blocks and set the connection's flow on the connection,
change a prop so that a finding appears and disappears, open a block's findings from its badge, accept one with a
reason, save, reload the page, open the design: the block is where it was dragged, the connection and the prop
are there, the finding is accepted with its reason.
Screenshots of each step go to test-artifacts/board-*.png.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd import edit
from mlsd.edit import next_connection_id
from mlsd.io import load_file
from mlsd.rules import check
from mlsd.store import open_store
from tests.browser.conftest import open_board

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "designs" / "video_recommendations.json"
CANVAS = "iframe[title='components.whiteboard.mlsd_whiteboard']"
REASON = "Gateway is a managed service with its own failover <b>really</b>"
_TRANSLATE = re.compile(r"translate\(\s*(-?[\d.]+)px\s*,\s*(-?[\d.]+)px\s*\)")


@pytest.fixture
def board_app(tmp_path: Path, start_app: Callable[..., Any]) -> Iterator[tuple[str, Path]]:
    """The app with its own empty library; yields its URL and the library file."""
    with start_app(tmp_path) as url:
        yield url, tmp_path / "library.db"


def canvas(page: Any) -> Any:
    return page.frame_locator(CANVAS)


def node(page: Any, block_id: str) -> Any:
    return canvas(page).locator(f".react-flow__node[data-id='{block_id}']")


def node_position(page: Any, block_id: str) -> tuple[float, float]:
    """A block's position in canvas units, as React Flow draws it (its transform)."""
    style = node(page, block_id).get_attribute("style") or ""
    match = _TRANSLATE.search(style)
    assert match, style
    return float(match.group(1)), float(match.group(2))


def centre(box: dict[str, float]) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def status(page: Any) -> Any:
    return page.get_by_text(re.compile(r"(Not in the library yet|Unsaved changes|Saved · revision)"))


def wait_status(page: Any, text: str) -> None:
    page.get_by_text(re.compile(re.escape(text))).first.wait_for()


def click_tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def set_number(page: Any, label: str, value: int) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")


def wait_count(locator: Any, n: int) -> None:
    """Wait until ``locator`` matches ``n`` elements (the canvas redraws after Python's answer)."""
    for _ in range(100):
        if locator.count() == n:
            return
        locator.page.wait_for_timeout(100)
    assert locator.count() == n


def findings_text(page: Any) -> str:
    panel = page.get_by_role("tabpanel").filter(has_text="accepted").first
    return str(panel.inner_text())


def test_draw_review_save_reload_open(board_app: tuple[str, Path], page: Any, shot: Callable[[str], Path]) -> None:
    url, db = board_app
    template = load_file(TEMPLATE)
    gw_replicas = int(template.by_id()["gw"].num("replicas"))
    accepted = len(template.waivers) + 1  # the template's own accepted risks and the one this journey accepts
    one_replica = check(edit.set_prop(template, "gw", "replicas", 1)).active
    assert any(f.rule == "REL-1" and f.components == ("gw",) for f in one_replica), "the journey needs REL-1 on gw"

    open_board(page, url)
    shot("board-1-empty")

    # start from a template: one click
    page.get_by_role("button", name=template.name).first.click()
    node(page, "kms").wait_for()
    wait_status(page, "Not in the library yet")
    page.wait_for_timeout(1000)  # mounting the canvas is not an edit
    assert "unsaved" not in status(page).first.inner_text()
    shot("board-2-template")

    # the template is large: the palette starts folded, so that the drawing gets the width; unfold it
    canvas(page).get_by_role("button", name="Show the blocks palette").click()

    # drag a palette tile onto the canvas; delete the new block with the keyboard; undo twice (the add goes too)
    blocks = canvas(page).locator(".react-flow__node")
    count = len(template.components)
    wait_count(blocks, count)
    pane = canvas(page).locator(".react-flow__pane")
    box = pane.bounding_box()
    canvas(page).get_by_test_id("tile-shadow_deployment").drag_to(
        pane, target_position={"x": box["width"] * 0.5, "y": 60})
    added = canvas(page).locator(".react-flow__node:has([data-kind='shadow_deployment'])")
    added.first.wait_for()
    wait_status(page, "unsaved changes")
    wait_count(blocks, count + 1)
    shot("board-2b-dropped")
    added.first.click()
    page.get_by_role("button", name="Delete block").wait_for()  # the click selected it in the inspector
    added.first.click()
    page.keyboard.press("Delete")
    added.first.wait_for(state="detached")
    wait_count(blocks, count)
    # Ctrl+Z works after a click on an empty spot of the canvas (the top middle: the wide template fits by its
    # width and leaves room above and below)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + 12)
    page.keyboard.press("Control+z")
    added.first.wait_for()
    page.keyboard.press("Control+z")
    added.first.wait_for(state="detached")
    wait_count(blocks, count)

    # drag a block
    start = node_position(page, "kms")
    x, y = centre(node(page, "kms").bounding_box())
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 40, steps=12)
    page.mouse.up()
    wait_status(page, "unsaved changes")
    dragged = node_position(page, "kms")
    assert dragged != start
    shot("board-3-dragged")

    # connect two blocks, then make it a batch flow on the connection itself: orchestrator -> data_validation
    node(page, "orchestrator").hover()
    source = canvas(page).locator(".react-flow__node[data-id='orchestrator'] .react-flow__handle.source")
    target = canvas(page).locator(".react-flow__node[data-id='data_validation'] .react-flow__handle.target")
    sx, sy = centre(source.bounding_box())
    tx, ty = centre(target.bounding_box())
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move(tx, ty, steps=15)
    page.mouse.up()
    page.get_by_text("Connection id").wait_for()  # the new connection is selected in the inspector
    new_id = next_connection_id(template)
    new_edge = canvas(page).locator(f".react-flow__edge[data-id='{new_id}']")
    new_edge.wait_for(state="attached")
    new_edge.focus()
    page.keyboard.press("Enter")
    menu = canvas(page).get_by_test_id("edge-menu")
    menu.get_by_role("button", name="batch").click()
    canvas(page).locator(f".react-flow__edge[data-id='{new_id}'] path.flow-batch").wait_for(state="attached")
    page.keyboard.press("Escape")
    shot("board-4-connected")

    # change a prop so that a finding appears, and disappears
    node(page, "gw").click()
    page.get_by_label("Replicas", exact=True).wait_for()
    set_number(page, "Replicas", 1)
    click_tab(page, "Findings")
    page.get_by_text("REL-1").first.wait_for()
    shot("board-5-finding")
    click_tab(page, "Inspector")
    set_number(page, "Replicas", gw_replicas)
    click_tab(page, "Findings")
    page.get_by_text("No open findings").wait_for()
    assert page.get_by_text("REL-1").count() == 0

    # a block's findings badge opens its findings
    click_tab(page, "Inspector")  # gw is still selected
    set_number(page, "Replicas", 1)
    node(page, "gw").locator(".mlsd-badge").click()
    page.get_by_text(re.compile(r"Findings on ")).first.wait_for()
    page.get_by_text("REL-1").first.wait_for()
    shot("board-5b-badge")

    # ... and is accepted with a reason (REL-1, the block's only error, comes first)
    page.get_by_role("button", name="Accept…").first.click()
    page.get_by_role("textbox", name="Why is this acceptable?").fill(REASON)
    page.get_by_role("textbox", name="Why is this acceptable?").press("Enter")
    page.get_by_role("button", name="Accept with this reason").click()
    # REL-1 is accepted; what stays open is the warning that follows from an autoscaling floor of one replica
    # (losing a region leaves the gateway short at peak: REL-3), which the author has not accepted
    page.get_by_text(re.compile(rf"\b{accepted}\s*accepted")).first.wait_for()
    page.get_by_text(re.compile(r"\b0\s*errors")).first.wait_for()
    page.get_by_role("button", name="All findings").click()
    shot("board-6-accepted")

    # save
    page.get_by_role("button", name="Save", exact=True).click()
    wait_status(page, "Saved · revision 1")
    shot("board-7-saved")
    with open_store(db) as store:
        items = store.list_designs().items
        assert [i.name for i in items] == [template.name]
        saved = store.open(items[0].id).design
    kms = saved.by_id()["kms"].position
    assert (kms.x, kms.y) != (template.by_id()["kms"].position.x, template.by_id()["kms"].position.y)
    new_conns = [e for e in saved.connections if (e.source, e.target) == ("orchestrator", "data_validation")]
    assert [e.flow for e in new_conns] == ["batch"]
    assert saved.by_id()["gw"].props["replicas"] == 1
    assert any(w.rule == "REL-1" and w.components == ["gw"] and w.reason == REASON for w in saved.waivers)

    # reload: a new session starts empty; open the design from the library
    page.reload()
    page.get_by_text("An empty board").wait_for()
    page.get_by_role("button", name="Open").click()
    page.get_by_role("button", name=re.compile(re.escape(template.name) + r" · rev 1")).click()
    node(page, "kms").wait_for()
    wait_status(page, "Saved · revision 1")
    page.wait_for_timeout(1000)
    assert node_position(page, "kms") == pytest.approx((kms.x, kms.y), abs=0.5)
    edge = canvas(page).locator(f"[data-testid='rf__edge-{new_conns[0].id}']")
    assert edge.count() == 1
    page.get_by_text(re.compile(rf"\b{accepted}\s*accepted")).first.wait_for()
    page.get_by_text(f"Accepted ({accepted})").click()
    page.get_by_text(REASON).first.wait_for()  # the reason, shown as text (its <b> is not bold markup)
    node(page, "gw").click()
    page.get_by_label("Replicas", exact=True).wait_for()
    assert page.get_by_label("Replicas", exact=True).input_value() == "1"
    assert "unsaved" not in status(page).first.inner_text()
    shot("board-8-reopened")


HOSTILE = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"


def test_hostile_labels_show_as_text_on_the_board(
    board_app: tuple[str, Path], page: Any, shot: Callable[[str], Path], tmp_path: Path
) -> None:
    url, _ = board_app
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    evil = tmp_path / "evil.json"
    evil.write_text(json.dumps({
        "name": f"Evil {HOSTILE}",
        "components": [
            {"id": "evil", "kind": "online_inference", "label": HOSTILE, "position": {"x": 0, "y": 0}},
            {"id": "img", "kind": "api_gateway", "label": f"{IMG} $x^2$ {{{{7*7}}}}", "position": {"x": 300, "y": 0}},
        ],
        "connections": [{"id": "c1", "source": "img", "target": "evil", "label": IMG}],
    }), encoding="utf-8")
    too_long = tmp_path / "too-long.json"
    too_long.write_text(json.dumps({"name": "Long", "components": [
        {"id": "long", "kind": "cache", "label": "x" * 10_240}]}), encoding="utf-8")

    open_board(page, url)
    page.get_by_role("tab", name="Import / export").click()
    page.locator("input[type=file]").set_input_files(str(evil))
    node(page, "evil").wait_for()
    assert HOSTILE in node(page, "evil").inner_text()  # the label, drawn as text
    assert IMG in node(page, "img").inner_text() and "{{7*7}}" in node(page, "img").inner_text()
    assert "$x^2$" in node(page, "img").inner_text()  # no math typesetting either
    assert canvas(page).locator("img[src='x']").count() == 0 and page.locator("img[src='x']").count() == 0
    node(page, "evil").click()
    page.get_by_role("textbox", name="Label", exact=True).wait_for()
    assert page.get_by_role("textbox", name="Label", exact=True).input_value() == HOSTILE
    assert page.get_by_role("textbox", name="Design name").input_value() == f"Evil {HOSTILE}"
    shot("board-hostile")

    # every export downloads, and the picture carries the label as escaped text
    for label, suffix in (("SVG picture", ".svg"), ("Review report", ".md"), ("Mermaid", ".mmd"), ("JSON", ".json")):
        with page.expect_download() as info:
            page.get_by_role("button", name=label, exact=True).click()
        saved = tmp_path / f"export{suffix}"
        info.value.save_as(saved)
        text = saved.read_text(encoding="utf-8")
        assert info.value.suggested_filename.endswith(suffix)
        if suffix == ".svg":
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script" not in text
        if suffix == ".json":
            assert json.loads(text)["components"][0]["label"] == HOSTILE

    # a 10 KB label is refused with a clear message, and the board keeps its design
    page.locator("input[type=file]").set_input_files(str(too_long))
    page.get_by_text("label must be at most 200 characters, got 10240").wait_for()
    page.get_by_text("the board is unchanged").wait_for()
    assert node(page, "evil").count() == 1
    shot("board-hostile-refused")
    assert page.evaluate("[...document.scripts].filter(s => s.text.includes('alert(')).length") == 0
    assert dialogs == []
