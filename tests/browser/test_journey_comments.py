"""Journey: review comments. A design saved on the Board gets a comment on a block (the block clicked on the
canvas, the Comments tab, write, Comment): the block shows a comments badge; a reply; a share link made with
"Show comments" shows the thread read-only (and the badge) in a fresh browser context; Resolve takes the badge
away. Screenshots at 1440x900 go to test-artifacts/comments-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.io import load_file
from mlsd.store import open_store
from tests.browser.conftest import ARTIFACTS, open_board

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "designs" / "news_feed_ranking.json"
CANVAS = "iframe[title='components.whiteboard.mlsd_whiteboard']"
QUESTION = "Is one gateway enough at peak? <b>not bold</b>"
ANSWER = "It autoscales to 12 pods; see the notes."


@pytest.fixture
def comments_app(tmp_path: Path, start_app: Callable[..., Any]) -> Iterator[tuple[str, Path]]:
    with start_app(tmp_path) as url:
        yield url, tmp_path / "library.db"


def settle(page: Any) -> None:
    """Wait until the script run is over; no tooltip in the picture."""
    page.wait_for_timeout(400)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=60_000)
    page.mouse.move(1, 1)
    page.wait_for_timeout(600)


def test_comment_on_a_block_badge_reply_share_and_resolve(
    comments_app: tuple[str, Path], page: Any, browser: Any, shot: Callable[..., Path]
) -> None:
    url, db = comments_app
    template = load_file(TEMPLATE)
    page.set_viewport_size({"width": 1440, "height": 900})
    open_board(page, url)
    page.get_by_role("button", name=template.name).first.click()
    board = page.frame_locator(CANVAS)
    board.locator(".react-flow__node[data-id='gw']").wait_for()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved · revision 1").first.wait_for()

    # a comment on the gateway: click it on the canvas, then the Comments tab
    board.locator(".react-flow__node[data-id='gw']").click()
    page.get_by_label("Label", exact=True).wait_for()  # the inspector shows the block picked
    settle(page)
    page.get_by_role("tab", name="Comments", exact=True).click()
    box = page.get_by_label("New comment")
    box.wait_for()
    settle(page)
    box.fill(QUESTION)
    page.get_by_role("button", name="Comment", exact=True).click()
    page.get_by_text(QUESTION).first.wait_for()  # shown as typed: the HTML is text
    badge = board.locator("[data-testid='comments-gw']")
    badge.wait_for()
    assert badge.inner_text().strip().endswith("1")
    settle(page)
    shot("comments-1-thread-and-badge")
    node = board.locator(".react-flow__node[data-id='gw']").bounding_box()
    assert node is not None
    page.screenshot(path=str(ARTIFACTS / "comments-1-badge-closeup.png"),
                    clip={"x": node["x"] - 40, "y": node["y"] - 30, "width": node["width"] + 80,
                          "height": node["height"] + 60})

    # a reply
    thread = page.locator("[class*='st-key-board-thread-']").first
    thread.get_by_placeholder("Reply…").fill(ANSWER)
    thread.get_by_role("button", name="Reply", exact=True).click()
    page.get_by_text(ANSWER).first.wait_for()
    with open_store(db) as store:
        [design] = store.list_designs().items
        [saved] = store.threads(design.id)
    assert [c.body for c in saved.comments] == [QUESTION, ANSWER] and saved.anchor == "gw"

    # a share link that shows comments: the visitor sees the thread, read-only, and the badge
    page.get_by_role("button", name="Share", exact=True).click()
    page.get_by_text("Show comments").click()
    page.get_by_role("button", name="Create link").click()
    page.get_by_text("New link").first.wait_for()
    link = page.get_by_test_id("stCode").first.inner_text().strip()
    assert re.fullmatch(re.escape(url) + r"/\?share=[A-Za-z0-9_-]{43}", link), link
    visitor = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        other = visitor.new_page()
        other.set_default_timeout(30_000)
        other.goto(link)
        shared = other.frame_locator(CANVAS)
        shared.locator("[data-testid='comments-gw']").wait_for()
        other.get_by_role("heading", name="Review comments").scroll_into_view_if_needed()
        other.get_by_text(QUESTION).first.wait_for()
        other.get_by_text(ANSWER).first.wait_for()
        assert other.get_by_role("button", name="Reply").count() == 0  # read-only
        settle(other)
        ARTIFACTS.mkdir(exist_ok=True)
        other.screenshot(path=str(ARTIFACTS / "comments-3-shared-view.png"))
    finally:
        visitor.close()

    # resolve: the badge goes
    page.get_by_role("button", name="Close", exact=True).click()
    page.get_by_role("tab", name="Comments", exact=True).click()
    page.locator("[class*='st-key-board-thread-']").first.get_by_role("button", name="Resolve").click()
    page.get_by_text("1 resolved").first.wait_for()
    badge.wait_for(state="detached")
    settle(page)
    shot("comments-2-resolved")
    with open_store(db) as store:
        assert store.threads(design.id)[0].resolved
