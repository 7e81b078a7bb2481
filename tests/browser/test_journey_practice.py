"""Journey: a new user practises an interview in headless Chromium, from the prompt list to the progress page.

Open the app, go to Practice, filter the prompts and pick one, set a 2-minute session and start it, watch the
countdown move, ask the interviewer a question, take notes, draw a partial design from the palette, reload the
page (the session comes back), finish, read the pre-filled rubric and its reasons, adjust one level, confirm,
and find the score on the Progress page. Screenshots of each step go to test-artifacts/practice-*.png.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.catalog import KINDS
from mlsd.practice.prompts import get_prompt
from mlsd.practice.rubric import level_name, total_score
from mlsd.practice.session import from_state
from mlsd.store import open_store

pytestmark = pytest.mark.browser

PROMPT = get_prompt("card_fraud")
CANVAS = "iframe[title='components.whiteboard.mlsd_whiteboard']"
NOTE = "Inline at authorisation: p99 100 ms, 5,000 TPS at peak, fraud rate 0.17%, labels from chargebacks."


@pytest.fixture
def practice_app(tmp_path: Path, start_app: Callable[..., Any]) -> Iterator[tuple[str, Path]]:
    """The app with its own empty library; yields its URL and the library file."""
    with start_app(tmp_path) as url:
        yield url, tmp_path / "library.db"


def seconds(text: str) -> int:
    minutes, secs = text.strip().split(":")[-2:]
    return int(minutes) * 60 + int(secs)


def metric_value(page: Any, label: str) -> str:
    box = page.get_by_test_id("stMetric").filter(has_text=label).first
    return str(box.get_by_test_id("stMetricValue").inner_text())


def nodes(page: Any) -> Any:
    return page.frame_locator(CANVAS).locator(".react-flow__node")


def add_block(page: Any, search: str, kind: str) -> None:
    """Search the palette at the canvas' edge and add the tile from the keyboard (Enter: at the centre)."""
    frame = page.frame_locator(CANVAS)
    frame.get_by_role("searchbox", name="Search blocks").fill(search)
    frame.get_by_test_id(f"tile-{kind}").press("Enter")
    nodes(page).filter(has_text=KINDS[kind].label).first.wait_for()


def eventually(check: Callable[[], bool], timeout_s: float = 15.0) -> None:
    """Wait until ``check()`` holds (the app writes to the library after the browser's message arrives)."""
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def stored_session(db: Path) -> Any:
    with open_store(db) as store:
        records = store.list_sessions()
    assert len(records) == 1
    return records[0], from_state(records[0].state)


def test_practise_a_prompt_grade_it_and_see_progress(practice_app: tuple[str, Path], page: Any,
                                                     shot: Callable[..., Path]) -> None:
    url, db = practice_app
    page.goto(url)
    page.get_by_role("link", name="Practice").click()
    page.get_by_text("Interview practice").first.wait_for()

    # pick a prompt: filter by topic, choose it, read it, set a short session
    page.get_by_test_id("stSelectbox").filter(has_text="Topic").click()
    page.get_by_role("option", name="Fraud").click()
    page.get_by_text(re.compile(r"Prompts \(1\)")).wait_for()
    page.get_by_text(PROMPT.title).first.click()
    page.get_by_text(PROMPT.prompt.split(".")[0]).first.wait_for()
    length = page.get_by_label("Session length (minutes)", exact=True)
    length.fill("2")
    length.press("Enter")
    page.get_by_text(re.compile(r"Phases: Requirements 13 s")).wait_for()
    shot("practice-1-picker")
    page.get_by_role("button", name="Start the clock").click()

    # the clock runs by itself: the countdown moves without any click
    page.get_by_text("Phase 1 of 6 · Requirements").first.wait_for()
    assert re.search(r"\?session=\w+", page.url)
    first = seconds(metric_value(page, "Left in total"))
    page.wait_for_timeout(2500)
    later = seconds(metric_value(page, "Left in total"))
    assert first <= 120 and 1 <= first - later <= 4, (first, later)
    shot("practice-2-clock")

    # ask the interviewer; take notes
    question = PROMPT.clarifications[0]
    asked = page.get_by_test_id("stExpander").filter(has_text=question.question)
    asked.locator("summary").click()
    asked.get_by_test_id("stExpanderDetails").get_by_text(question.answer[:40]).wait_for()
    notes = page.get_by_placeholder(re.compile(r"^Clarify the goal"))
    notes.fill(NOTE)
    notes.press("Control+Enter")
    eventually(lambda: stored_session(db)[1].notes.get("requirements") == NOTE)

    # draw a partial design from the palette
    add_block(page, "gateway", "api_gateway")
    add_block(page, "gradient", "gbdt")
    assert nodes(page).count() == 2
    eventually(lambda: sorted(c.kind for c in stored_session(db)[1].design.components) == ["api_gateway", "gbdt"])
    # while drawing, the clock stays in sight: the canvas scrolled into view, the countdown is on screen with it
    page.locator(CANVAS).scroll_into_view_if_needed()
    clock = page.locator(".st-key-practice-clock")
    view = page.viewport_size
    for box in (clock.bounding_box(), page.locator(CANVAS).bounding_box()):
        assert box is not None and box["y"] >= 0 and box["y"] < view["height"], box
    shot("practice-3-drawing")
    shot("practice-3-drawn", full=True)

    # a reload brings the session back: the clock, the blocks, the notes
    page.reload()
    page.get_by_text(re.compile(r"Phase \d of 6")).first.wait_for()
    nodes(page).filter(has_text=KINDS["gbdt"].label).first.wait_for()
    assert nodes(page).count() == 2
    assert page.get_by_placeholder(re.compile(r"^Clarify the goal")).input_value() == NOTE

    # finish: the rubric comes pre-filled, each level with its reasons
    page.get_by_role("button", name="Finish").click()
    page.get_by_role("button", name="Finish and grade").click()
    page.get_by_role("heading", name="Grade your answer").wait_for()
    record, session = stored_session(db)
    assert session.finished and len(session.grades) == 8 and record.finished_at is not None
    body = page.get_by_test_id("stMain").inner_text()
    assert "Has gradient-boosted trees (key blocks of this prompt)" in body
    assert re.search(r"Lacks .*heuristic baseline", body)
    assert "The requirements notes state" in body
    for g in session.grades:
        assert g.reasons[0].split(":")[0][:40] in body
    shot("practice-4-rubric", full=True)

    # the comparison with the reference: blocks, and both diagrams
    assert "Key blocks you lack" in body
    page.get_by_role("tab", name="Diagrams").click()
    page.wait_for_timeout(1500)
    assert page.locator(CANVAS).count() == 2  # yours and the reference, each on the Board's canvas, read-only
    for i in range(2):
        page.frame_locator(CANVAS).nth(i).locator(".mlsd-root.read-only .react-flow__node").first.wait_for()
    shot("practice-5-diagrams", full=True)

    # adjust one level, then confirm
    model = next(g for g in session.grades if g.dimension == "model")
    target = model.level + 1 if model.level < 4 else model.level - 1  # one arrow key moves one level
    slider = page.get_by_test_id("stSlider").filter(has=page.get_by_text("Model", exact=True)).first
    thumb = slider.get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowRight" if target > model.level else "ArrowLeft")
    eventually(lambda: next(g.level for g in stored_session(db)[1].grades if g.dimension == "model") == target)
    page.get_by_role("button", name="Confirm these grades").click()
    page.get_by_role("heading", name="Your result").wait_for()
    record, session = stored_session(db)
    total = total_score(session.grades)
    assert session.confirmed and record.design_id is not None
    assert record.scores is not None and record.scores["total"] == pytest.approx(round(total, 1))
    page.get_by_text(f"{level_name(target)} (pre-filled: {level_name(model.level)})").wait_for()
    shot("practice-6-result", full=True)

    # the progress page shows the session
    page.get_by_role("link", name="See your progress").click()
    page.get_by_text("What to study next").wait_for()
    page.get_by_text("Your weakest dimension is").wait_for()
    page.get_by_test_id("stDataFrame").wait_for()
    latest = page.get_by_test_id("stMetric").filter(has_text="Latest score").first.inner_text()
    assert f"{total:.0f}/100" in latest
    page.wait_for_timeout(1500)  # plotly draws
    shot("practice-7-progress", full=True)
