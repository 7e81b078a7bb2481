"""Journey: open a flawed example on the Board, preview a finding's fix as a diff, apply it, undo it, and apply
every safe fix in one click. Screenshots go to test-artifacts/fixes-*.png."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.io import load_file
from tests.browser.conftest import open_board

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "designs" / "card_fraud_scoring.json"
CANVAS = "iframe[title='components.whiteboard.mlsd_whiteboard']"


@pytest.fixture
def board_app(tmp_path: Path, start_app: Callable[..., Any]) -> Iterator[str]:
    with start_app(tmp_path) as url:
        yield url


def test_preview_apply_undo_and_apply_all_safe_fixes(board_app: str, page: Any, shot: Callable[..., Path]) -> None:
    example = load_file(EXAMPLE)
    open_board(page, board_app)
    page.get_by_role("button", name=example.name).first.click()
    page.frame_locator(CANVAS).locator(".react-flow__node[data-id='scoring']").wait_for()

    page.get_by_text("Fixes for 6 findings").click()
    page.get_by_text("Split the evaluation data by time").wait_for()
    shot("fixes-1-offers")

    split = 3  # offers follow the findings: REL-1, REL-3, SEC-4, TRN-1 (split by time), TRN-7, MON-2
    page.get_by_role("button", name="Preview").nth(split).click()
    page.get_by_text("props.split: 'random' -> 'time'").wait_for()
    shot("fixes-2-preview")

    page.get_by_role("button", name="Apply", exact=True).nth(split).click()
    page.get_by_text("Fixed TRN-1").first.wait_for()
    page.get_by_text("Fixes for 5 findings").wait_for()
    shot("fixes-3-applied")

    page.get_by_role("button", name="Undo").click()
    page.get_by_text("Fixes for 6 findings").wait_for()

    page.get_by_text("Fixes for 6 findings").click()
    page.get_by_role("button", name="Apply the 5 safe fixes").click()
    page.get_by_text("Applied 5 safe fixes").first.wait_for()
    page.get_by_text("Fixes for 1 finding").wait_for()  # the anonymizer suggestion is left to a person
    shot("fixes-4-all-safe")
