"""Journey: the numbers under load on the Board, in headless Chromium at 1440×900.

Open the Board, start from a template, open the "Load & failures" tab: the p99-against-load plot (SLA, knee),
utilisation per tier and the single-failure table with its summary are there; select the worst failure to see
every path and tier it changes; run the simulation and wait for its result beside the model.
Screenshots of each step go to test-artifacts/load-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.analysis import analyze
from mlsd.analysis.failures import what_if
from mlsd.io import load_file
from tests.browser.conftest import open_board

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "designs" / "video_recommendations.json"
SIMULATION_TIMEOUT_MS = 120_000  # the real run takes up to ~15 s; a loaded CI machine, more


@pytest.fixture
def load_app(tmp_path: Path, start_app: Callable[..., Any]) -> Iterator[str]:
    with start_app(tmp_path, None) as url:
        yield url


def show(page: Any, locator: Any) -> None:
    """Scroll ``locator`` to the top of Streamlit's scrolling container and let the page settle."""
    locator.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(700)


def test_load_ramp_what_ifs_and_simulation(load_app: str, page: Any, shot: Callable[..., Path]) -> None:
    template = load_file(TEMPLATE)
    failures = what_if(analyze(template))
    page.set_viewport_size({"width": 1440, "height": 900})
    open_board(page, load_app)
    page.get_by_role("button", name=template.name).first.click()
    page.frame_locator("iframe[title='components.whiteboard.mlsd_whiteboard']").locator(
        ".react-flow__node[data-id='kms']").wait_for()

    # the tab sits next to the numbers
    page.get_by_role("tab", name="Load & failures", exact=True).click()
    ramp = page.locator(".js-plotly-plot").filter(has_text="p99 against load")
    ramp.wait_for()
    assert "queueing model (M/G/c per tier)" in ramp.inner_text()
    assert "SLA 200 ms" in ramp.inner_text() and "knee" in ramp.inner_text()
    utilisation = page.locator(".js-plotly-plot").filter(has_text="Utilisation per tier at peak")
    assert utilisation.is_visible() and "100%: saturated" in utilisation.inner_text()
    show(page, page.get_by_text("p99 at each load:").first)
    shot("load-1-ramp")

    # the single failures, worst first, with a summary
    summary = page.get_by_text(re.compile(rf"of {len(failures)} single failures"))
    summary.wait_for()
    table = page.get_by_test_id("stDataFrame").filter(has_text="What is lost")  # the grid's accessible table
    table.wait_for()
    headers = table.get_by_role("columnheader", include_hidden=True).all_inner_texts()
    assert [h for h in headers if h] == ["Outcome", "Failure", "What is lost", "p99 after (ms)", "SLA", "Why"]
    show(page, page.get_by_text("Single failures").first)
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's checkbox: the worst failure
    detail = page.get_by_text(re.compile(r"^Lose (a zone|a region|a whole block|one replica): "))
    detail.first.wait_for()
    show(page, summary)
    shot("load-2-what-ifs")

    # the simulation, on demand
    run = page.get_by_role("button", name="Run simulation")
    run.scroll_into_view_if_needed()
    run.click()
    result = page.get_by_text(re.compile(r"^Simulated at 1× peak"))
    result.wait_for(timeout=SIMULATION_TIMEOUT_MS)
    histogram = page.locator(".js-plotly-plot").filter(has_text="Simulated latencies")
    histogram.wait_for()
    assert "simulated p99" in histogram.inner_text() and "model p99" in histogram.inner_text()
    page.get_by_text("What the simulation simplifies:").wait_for()
    show(page, page.get_by_text("Simulation: check the model").first)
    shot("load-3-simulation")
