"""Journey (issue 19's "Done when"): open a flawed example, open a number's explanation, run "Size it", apply,
undo, apply a finding's fix — on the Board in headless Chromium at 1440×900.

Open the Board, start from the card-fraud example (flawed: over-provisioned tiers, one tier in one region, a
single-replica scoring tier); on the Numbers tab open the popover under the latency chart (the path's p99 taken apart
hop by hop) and the one under the headroom chart (a tier's formulas); open the "Explain & size" tab: the p99
waterfall is drawn; run "Size it" (progress bar, then cost before/after, the changes, what cannot be met), apply,
undo; then press "Fix" beside the REL-1 finding in the Findings panel (the scoring tier runs one replica): the
fix is applied and the finding is gone. Screenshots of each step go to test-artifacts/explain-*.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.io import load_file
from tests.browser.conftest import open_board

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "designs" / "card_fraud_scoring.json"


@pytest.fixture
def explain_app(tmp_path: Path, start_app: Callable[..., Any]) -> Iterator[str]:
    with start_app(tmp_path, None) as url:
        yield url


def show(page: Any, locator: Any) -> None:
    locator.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(700)


def test_explain_a_number_size_apply_undo_then_fix_a_finding(explain_app: str, page: Any,
                                                             shot: Callable[..., Path]) -> None:
    template = load_file(TEMPLATE)
    page.set_viewport_size({"width": 1440, "height": 900})
    open_board(page, explain_app)
    page.get_by_role("button", name=template.name).first.click()
    page.frame_locator("iframe[title='components.whiteboard.mlsd_whiteboard']").locator(
        ".react-flow__node[data-id='scoring']").wait_for()

    # a number's explanation, where the number is shown: the path's p99 under its chart on the Numbers tab
    popover = page.get_by_role("button", name="p99").first
    popover.scroll_into_view_if_needed()
    popover.click()
    parts = page.get_by_text("fan-out = ")
    parts.first.wait_for()
    assert "network 0" in parts.first.inner_text()
    shot("explain-1-p99-popover")
    page.keyboard.press("Escape")
    tier = page.get_by_role("button", name="Fraud scoring service: +60% headroom")
    tier.scroll_into_view_if_needed()
    tier.click()
    page.get_by_text("utilisation: 5,000 / 8,000 = 62.5%").wait_for()
    shot("explain-2-headroom-popover")
    page.keyboard.press("Escape")

    page.get_by_role("tab", name="Explain & size", exact=True).click()
    waterfall = page.locator(".js-plotly-plot").filter(has_text="Where the p99 goes")
    waterfall.wait_for()
    assert "SLA 100 ms" in waterfall.inner_text()
    show(page, page.get_by_text("Where the p99 goes, hop by hop").first)
    shot("explain-3-waterfall")

    # Size it, then apply and undo
    run = page.get_by_role("button", name="Size it")
    run.scroll_into_view_if_needed()
    run.click()
    page.get_by_text("Monthly cost now").wait_for(timeout=60_000)
    assert page.get_by_text("Cannot be met").first.is_visible()
    show(page, page.get_by_text("Size it: the cheapest replicas that hold").first)
    shot("explain-4-sized")
    page.get_by_role("button", name="Apply").click()
    page.get_by_text("Sized: ").first.wait_for()
    page.get_by_role("button", name="Undo").first.click()
    page.get_by_text("Sized: ").first.wait_for(state="detached")
    shot("explain-5-undone")

    # a finding's fix: the Fix button beside REL-1 (the scoring tier's single replica), the first finding of the
    # Reliability checklist, which the Findings panel opens by itself (its worst finding is an error)
    page.locator("code", has_text="REL-1").first.wait_for()
    fix = page.get_by_role("button", name="Fix", exact=True).first
    fix.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    shot("explain-6-finding")
    fix.click()
    page.get_by_text("Fixed REL-1").first.wait_for()
    page.locator("code", has_text="REL-1").first.wait_for(state="detached")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(700)
    shot("explain-7-fixed")
