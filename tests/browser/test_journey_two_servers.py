"""Journey: two app servers on different ports against ONE PostgreSQL database (issue 14, item 5).

A design saved on the Board of server A is listed by server B's Library and opens on B's Board; B changes it and
saves revision 2; A's Library then shows two revisions, and A's Board, still on revision 1, is told of the
conflict when it saves (the compare-and-append crosses processes through the database). While both Boards have
the design open, each toolbar names the other session as editing (presence heartbeats through the database), and a
review comment written on A's Board shows on B's (its Comments panel and the block's badge) when B's page reruns.
Screenshots go to test-artifacts/two-servers-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlsd.io import load_file
from mlsd.store import open_store
from tests.browser.conftest import ARTIFACTS, FIRST_RENDER_TIMEOUT_MS, open_board

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "designs" / "news_feed_ranking.json"
CANVAS = "iframe[title='components.whiteboard.mlsd_whiteboard']"
QUESTION = "Is one gateway enough at peak? (asked through server A)"
EDITING = re.compile(r"^(\S+) is editing$")
PRESENCE_TIMEOUT_MS = 60_000  # a heartbeat every 5 s, on a loaded machine


def settle(page: Any) -> None:
    page.wait_for_timeout(300)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=60_000)
    page.mouse.move(1, 1)
    page.wait_for_timeout(400)


def library(page: Any, url: str) -> None:
    page.goto(url)
    link = page.get_by_test_id("stTopNav").get_by_role("link", name="Library", exact=True)
    link.click(timeout=FIRST_RENDER_TIMEOUT_MS)


def editing_name(page: Any) -> str:
    """Wait for the toolbar's "local is editing" (the presence fragment's own rerun) and return the name."""
    line = page.locator(".st-key-board-presence").get_by_text(EDITING)
    line.wait_for(timeout=PRESENCE_TIMEOUT_MS)
    match = EDITING.match(line.inner_text().strip())
    assert match is not None
    return match.group(1)


def set_replicas(page: Any, value: int) -> None:
    page.frame_locator(CANVAS).locator(".react-flow__node[data-id='gw']").click()
    settle(page)
    replicas = page.get_by_label("Replicas", exact=True).first
    replicas.fill(str(value))
    replicas.press("Enter")
    page.get_by_text("Unsaved changes").first.wait_for()


def test_a_design_saved_through_one_server_is_seen_and_guarded_through_the_other(
    tmp_path: Path, postgres_url: str, page: Any, browser: Any, start_app: Callable[..., Any],
    shot: Callable[..., Path]
) -> None:
    template = load_file(TEMPLATE)
    env = {"MLSD_DB": postgres_url}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with start_app(tmp_path / "a", env) as url_a, start_app(tmp_path / "b", env) as url_b:
        assert url_a != url_b

        # server A: save a design from a template
        open_board(page, url_a)
        page.get_by_role("button", name=template.name).first.click()
        page.frame_locator(CANVAS).locator(".react-flow__node[data-id='gw']").wait_for()
        page.get_by_role("button", name="Save", exact=True).click()
        page.get_by_text("Saved · revision 1").first.wait_for()
        with open_store(postgres_url) as store:
            [summary] = store.list_designs().items
        assert summary.name == template.name

        # server B, another browser: the Library lists it; Open draws it on B's Board
        visitor = browser.new_context(viewport={"width": 1440, "height": 900})
        try:
            other = visitor.new_page()
            other.set_default_timeout(30_000)
            library(other, url_b)
            row = other.locator(f".st-key-lib-row-{summary.id}")
            row.wait_for(timeout=FIRST_RENDER_TIMEOUT_MS)
            assert template.name in row.inner_text()
            settle(other)
            ARTIFACTS.mkdir(exist_ok=True)
            other.screenshot(path=str(ARTIFACTS / "two-servers-1-library-b.png"))
            row.get_by_role("button", name="Open").click()
            board = other.frame_locator(CANVAS)
            board.locator(".react-flow__node[data-id='gw']").wait_for()
            assert board.locator(".react-flow__node").count() == len(template.components)
            other.get_by_text("Saved · revision 1").first.wait_for()

            # presence crosses servers: each Board names the other session (no sign-in: both are the local user,
            # named as its revisions are)
            seen_by_b, seen_by_a = editing_name(other), editing_name(page)
            assert seen_by_a == seen_by_b == "local"
            with open_store(postgres_url) as store:
                stamped = store.present(summary.id, stale_after_s=3600)
            assert len({p.session_id for p in stamped}) == 2 and {p.who for p in stamped} == {"local"}
            settle(other)
            other.screenshot(path=str(ARTIFACTS / "two-servers-2-presence-b.png"))
            settle(page)
            shot("two-servers-2-presence-a")

            # a comment on the gateway written through A ...
            page.frame_locator(CANVAS).locator(".react-flow__node[data-id='gw']").click()
            page.get_by_label("Label", exact=True).wait_for()
            settle(page)
            page.get_by_role("tab", name="Comments", exact=True).click()
            box = page.get_by_label("New comment")
            box.wait_for()
            settle(page)
            box.fill(QUESTION)
            page.get_by_role("button", name="Comment", exact=True).click()
            page.get_by_text(QUESTION).first.wait_for()
            page.frame_locator(CANVAS).locator("[data-testid='comments-gw']").wait_for()
            with open_store(postgres_url) as store:
                [thread] = store.threads(summary.id)
            assert thread.anchor == "gw" and [c.body for c in thread.comments] == [QUESTION]
            page.get_by_role("tab", name="Inspector", exact=True).click()  # back to the block's fields for later
            page.get_by_label("Replicas", exact=True).first.wait_for()

            # ... is read through B when its page reruns: opening its Comments tab shows the thread and the badge
            other.get_by_role("tab", name="Comments", exact=True).click()
            other.get_by_text(QUESTION).first.wait_for()
            badge = board.locator("[data-testid='comments-gw']")
            badge.wait_for()
            assert badge.inner_text().strip().endswith("1")
            settle(other)
            other.screenshot(path=str(ARTIFACTS / "two-servers-3-comment-b.png"))

            # B changes it and saves revision 2
            set_replicas(other, 7)
            other.get_by_role("button", name="Save", exact=True).click()
            other.get_by_text("Saved · revision 2").first.wait_for()
            settle(other)
            other.screenshot(path=str(ARTIFACTS / "two-servers-4-board-b.png"))
        finally:
            visitor.close()

        # A, still on revision 1, sets the same prop otherwise and saves: B's revision is merged in, the true
        # conflict is shown side by side to pick (mine | theirs), and nothing is written until A picks
        set_replicas(page, 3)
        page.get_by_role("button", name="Save", exact=True).click()
        page.get_by_text(re.compile(r"Someone saved revision 2 by .* after your revision 1")).first.wait_for()
        settle(page)
        page.frame_locator(CANVAS).locator(".react-flow__node[data-id='gw']").wait_for()
        shot("two-servers-5-conflict-a")
        with open_store(postgres_url) as store:
            assert [r.number for r in store.history(summary.id)] == [1, 2]
            assert store.open(summary.id).design.by_id()["gw"].props["replicas"] == 7

        # A's Library shows B's revision
        page.get_by_test_id("stTopNav").get_by_role("link", name="Library", exact=True).click()
        row = page.locator(f".st-key-lib-row-{summary.id}")
        row.wait_for()
        assert re.search(r"\b2\b", row.inner_text())
