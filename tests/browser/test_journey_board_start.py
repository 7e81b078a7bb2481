"""Journey: a gentle start on a blank board in headless Chromium at 1440x900.

A blank design shows its next steps (not a wall of red); two blocks dropped from the palette carry no findings
badge on the canvas while the findings list counts their errors; once connected, the badges appear. axe-core
finds no critical or serious violation on the blank board nor beside the two blocks. Screenshots:
test-artifacts/start-1-blank.png, start-1b-inspector.png (the new block's props, with human labels),
start-2-two-blocks.png, start-3-connected.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.axe_check import require_axe, violations
from tests.browser.conftest import open_board

pytestmark = pytest.mark.browser

CANVAS = "iframe[title='components.whiteboard.mlsd_whiteboard']"


@pytest.fixture
def board_app(tmp_path: Path, start_app: Callable[..., Any]) -> Iterator[str]:
    """The app with its own library; axe-core must be there (tests/browser/axe, ``npm ci``), as in the
    accessibility tests: missing, it skips on a developer's machine and fails in CI."""
    require_axe()
    with start_app(tmp_path) as url:
        yield url


def centre(box: dict[str, float]) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_a_blank_board_starts_gently(board_app: str, page: Any, shot: Callable[[str], Path]) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    open_board(page, board_app)
    page.get_by_text("Next steps").first.wait_for()
    for step in ("Set the requirements", "Draw the request path", "Add the offline loop", "Add monitoring"):
        page.get_by_text(step).first.wait_for()
    shot("start-1-blank")
    assert violations(page) == []  # axe-core: no critical or serious violation on the blank board

    canvas = page.frame_locator(CANVAS)
    pane = canvas.locator(".react-flow__pane")
    box = pane.bounding_box()
    blocks = canvas.locator(".react-flow__node")
    for n, (kind, x) in enumerate((("api_gateway", 0.35), ("online_inference", 0.7)), start=1):
        tile = canvas.get_by_test_id(f"tile-{kind}")
        tile.scroll_into_view_if_needed()
        tile.drag_to(pane, target_position={"x": box["width"] * x, "y": 200})
        canvas.locator(f".react-flow__node[data-id='{kind}']").wait_for()
        page.get_by_text(f"Block id {kind}").first.wait_for()  # Python has it: the inspector shows the new block
        page.wait_for_timeout(1000)  # the canvas has drawn Python's answer
        assert blocks.count() == n
        if n == 1:  # the new block is selected: its props read as labels with units, not prop ids
            page.get_by_label("Throughput per replica (req/s)", exact=True).wait_for()
            assert page.get_by_label(re.compile("qps_per_replica")).count() == 0
            shot("start-1b-inspector")
    page.get_by_role("tab", name="Findings", exact=True).click()
    page.get_by_text("Checks passing per checklist").first.wait_for()
    page.wait_for_timeout(1000)  # the canvas has drawn Python's answer
    assert canvas.locator(".mlsd-badge").count() == 0  # nothing painted red yet...
    assert page.get_by_text("errors").first.is_visible()  # ...while the findings list has them all
    shot("start-2-two-blocks")
    assert violations(page) == []

    # connect them: the badges appear
    gateway = canvas.locator(".react-flow__node[data-id='api_gateway']")
    gateway.hover()
    source = canvas.locator(".react-flow__node[data-id='api_gateway'] .react-flow__handle.source")
    target = canvas.locator(".react-flow__node[data-id='online_inference'] .react-flow__handle.target")
    sx, sy = centre(source.bounding_box())
    tx, ty = centre(target.bounding_box())
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move(tx, ty, steps=15)
    page.mouse.up()
    canvas.locator(".react-flow__node[data-id='online_inference'] .mlsd-badge.sev-error").wait_for()
    page.get_by_role("tab", name="Findings", exact=True).click()
    page.get_by_text("1 of 4 done").first.wait_for()
    shot("start-3-connected")
