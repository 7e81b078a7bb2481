"""Journey: a person pastes a Mermaid diagram from a README, maps the box no keyword names, and gets a checked
design on the Board.

Import / export tab, "Paste Mermaid", the mapping table (the unknown box picked as a cache in the grid's
dropdown), "Create design", then the canvas draws every block with its kind and the findings are there.
Screenshots go to test-artifacts/import-*.png.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import open_board

pytestmark = pytest.mark.browser

KIND_AT = 0.6  # where the Kind column is, as a share of the grid's width (columns small, auto, large, small)
CANVAS = "iframe[title='components.whiteboard.mlsd_whiteboard']"
MERMAID = """flowchart LR
  U[Mobile users] --> GW[API gateway]
  GW --> W[Wibble]
  W --> M[XGBoost model]
  GW -.-> K[(Kafka)]
"""


def node(page: Any, block_id: str) -> Any:
    return page.frame_locator(CANVAS).locator(f".react-flow__node[data-id='{block_id}']")


def test_paste_mermaid_map_an_unknown_box_and_get_a_checked_design(app_url: str, page: Any,
                                                                    shot: Callable[..., Any]) -> None:
    open_board(page, app_url)
    page.get_by_role("tab", name="Import / export").click()
    page.get_by_text("Paste Mermaid").click()
    page.get_by_role("textbox", name="Mermaid flowchart").fill(MERMAID)
    page.get_by_role("button", name="Import Mermaid").click()
    page.get_by_text("1 block has no known kind yet").wait_for()
    page.get_by_text("1 block will be a Generic box.").wait_for()
    grid = page.locator("[data-testid='stDataFrame']")
    grid.wait_for()
    page.wait_for_timeout(800)
    shot("import-mapping")
    # the Kind cell of the third row (W, "Wibble"): the grid is drawn on a canvas, so click where the cell is
    # (header and rows 35 px high; Kind is the third column) and open its dropdown
    box = grid.bounding_box()
    assert box is not None
    x = box["x"] + box["width"] * KIND_AT
    # The grid is a canvas: a double click that lands while it is still settling opens nothing, so the pick is
    # tried up to three times; the page's "Every block has a kind." says it reached Python (the check itself).
    done = page.get_by_text("Every block has a kind.")
    for _ in range(3):
        page.keyboard.press("Escape")
        page.mouse.dblclick(x, box["y"] + 35 + 35 * 2 + 17)
        page.keyboard.type("Cache (cache)")
        option = page.get_by_role("option", name="Cache (cache)", exact=True).first
        try:  # pick the option the typing filtered to (Enter before the list has filtered keeps the old kind)
            option.click(timeout=10_000)
            done.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            continue
    done.wait_for()
    shot("import-mapped")
    page.get_by_role("button", name="Create design").click()
    node(page, "W").wait_for()
    for block_id in ("U", "GW", "W", "M", "K"):
        assert node(page, block_id).count() == 1
    assert "Cache" in node(page, "W").inner_text()
    assert "Gradient-boosted" in node(page, "M").inner_text() or "GBDT" in node(page, "M").inner_text()
    page.get_by_text("Findings").first.wait_for()
    shot("import-board")
