"""The canvas knows its blocks' sizes before drawing them (frontend/src/sync.ts) and draws far-out blocks as boxes
(BlockNode.tsx): journeys in headless Chromium that connections still meet the blocks at their handles when a block
turns out taller than assumed (a long label wraps), and that a design seen from far away is drawn as boxes with
every connection, and gets its labels and handles back when zoomed in. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.whiteboard_canvas import IFRAME, Events, open_canvas

pytestmark = pytest.mark.browser

# Where a connection's path starts and ends and where the handles it joins are, in page pixels.
_ENDS = """(_, [edge, source, target]) => {
    const path = document.querySelector(`.react-flow__edge[data-id='${edge}'] path.react-flow__edge-path`);
    const m = path.getScreenCTM();
    const a = path.getPointAtLength(0).matrixTransform(m);
    const b = path.getPointAtLength(path.getTotalLength()).matrixTransform(m);
    const h = (id, kind) => document.querySelector(
        `.react-flow__node[data-id='${id}'] .react-flow__handle.${kind}`).getBoundingClientRect();
    const s = h(source, 'source'), t = h(target, 'target');
    return {start: [a.x, a.y], end: [b.x, b.y], source: [s.right, s.top + s.height / 2],
            target: [t.left, t.top + t.height / 2]};
}"""


def assert_meets(frame: Any, edge: str, source: str, target: str) -> None:
    """The connection starts at the middle of its source's right handle and ends at its target's left one."""
    ends = frame.locator("body").evaluate(_ENDS, [edge, source, target])
    for point, handle in ((ends["start"], ends["source"]), (ends["end"], ends["target"])):
        assert abs(point[0] - handle[0]) < 1.5 and abs(point[1] - handle[1]) < 1.5, ends


def height(frame: Any, block: str) -> float:
    return float(frame.locator(f".react-flow__node[data-id='{block}']").evaluate("e => e.offsetHeight"))


def test_a_block_taller_than_assumed_has_its_connections_at_its_handles(wb_url: str, page: Any,
                                                                         shot: Callable[..., Path]) -> None:
    frame = open_canvas(page, wb_url)
    events = Events(page)
    assert_meets(frame, "c1", "gw", "ranker")
    assert height(frame, "ranker") == 56  # the size the canvas assumes for every block
    frame.locator(".react-flow__node[data-id='ranker'] .mlsd-block-label").dblclick()
    field = frame.get_by_role("textbox", name="Block label")
    field.fill("Ranking service that scores every candidate of the home feed")
    field.press("Enter")
    events.next("set_label")
    frame.get_by_text("Ranking service that scores every candidate").wait_for()
    for _ in range(50):  # the new label comes back from Python; then React Flow measures the taller block
        if height(frame, "ranker") > 56:
            break
        page.wait_for_timeout(100)
    assert height(frame, "ranker") > 70
    page.wait_for_timeout(300)
    assert_meets(frame, "c1", "gw", "ranker")
    frame.locator(".react-flow__node[data-id='ranker']").click()  # a selection copies the node: handles too
    events.next("select", lambda e: e["blocks"] == ["ranker"])
    assert_meets(frame, "c1", "gw", "ranker")
    shot("whiteboard-tall-block")


def test_far_out_blocks_are_boxes_and_zooming_in_brings_labels_and_handles(wb_url: str, page: Any,
                                                                          shot: Callable[..., Path]) -> None:
    page.goto(wb_url + "/?n=300")
    frame = page.frame_locator(IFRAME)
    frame.locator(".react-flow__node").nth(299).wait_for(state="attached")
    scale = frame.locator(".react-flow__viewport").evaluate("e => new DOMMatrix(getComputedStyle(e).transform).a")
    assert scale < 0.2  # 40 blocks a row, fitted into ~1,200 px
    assert frame.locator(".react-flow__node .mlsd-block").count() == 300
    assert frame.locator(".mlsd-block-label").count() == 0
    assert frame.locator(".react-flow__handle").count() == 0
    paths = frame.locator(".react-flow__edge path.react-flow__edge-path")
    assert paths.count() == 299
    assert all(d.startswith("M") for d in paths.evaluate_all("ps => ps.map(p => p.getAttribute('d'))"))
    badges = frame.locator(".mlsd-badge")
    assert badges.count() > 0 and "finding" in (badges.first.get_attribute("aria-label") or "")
    shot("whiteboard-far")
    for _ in range(6):  # zoom in past 20 %
        frame.get_by_role("button", name="Zoom In").click()
        page.wait_for_timeout(150)
    frame.locator(".mlsd-block-label").first.wait_for()
    page.wait_for_timeout(300)
    drawn = frame.locator(".react-flow__node .mlsd-block")
    assert frame.locator(".mlsd-block-label").count() == drawn.count()  # only the blocks in view are drawn
    assert frame.locator(".react-flow__handle").count() == 2 * drawn.count()
    # a connection in view (b{n-1} -> b{n}, both drawn) meets both blocks at their handles
    n = frame.locator("body").evaluate("""() => { const ids = new Set([...document.querySelectorAll(
        '.react-flow__node')].map(e => e.dataset.id)); for (let n = 1; n < 300; n++)
        if (ids.has(`b${n - 1}`) && ids.has(`b${n}`)) return n; return 0; }""")
    assert n
    assert_meets(frame, f"e{n}", f"b{n - 1}", f"b{n}")
    shot("whiteboard-near-again")
