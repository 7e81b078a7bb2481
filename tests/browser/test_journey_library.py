"""Journey: a new user saves a design, changes and saves it again, finds it in the Library, looks at the diff,
restores the first revision, shares a read-only link, and opens it in a fresh browser context.

Save on the Board (a template, then a prop change that brings a finding), the Library (search), History (the
diff side by side, restore), Share (create a link; the fresh context sees the design read-only with the accepted
risk's reason on the Board's canvas, read-only; "Copy to my library"; the revoked link shows only a message).
Then the same from the Board's toolbar: History opens the revisions beside the canvas (View draws one read-only),
Share makes a link whose visitor sees the blocks where the author put them, and a way into the app. Screenshots
go to test-artifacts/library-*.png and board-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.formats.diff_dot import ADDED_COLOR, CHANGED_COLOR
from mlsd.io import load_file
from mlsd.store import open_store
from tests.browser.conftest import ARTIFACTS, open_board

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
REASON = "The gateway pods are replaced within a minute by the orchestrator; accepted for this test"
TEMPLATE = ROOT / "designs" / "news_feed_ranking.json"
OTHER = ROOT / "designs" / "card_fraud_scoring.json"
CANVAS = "iframe[title='components.whiteboard.mlsd_whiteboard']"
SVG = '[data-testid="stGraphVizChart"] svg'
EDITS = re.compile(r"Save|Rename|Delete|Restore|Revoke|Accept|Create link|Open", re.I)


@pytest.fixture
def library_app(tmp_path: Path, start_app: Callable[..., Any]) -> Iterator[tuple[str, Path]]:
    """The app with its own library holding one other design; yields its URL and the library file."""
    db = tmp_path / "library.db"
    with open_store(db) as store:
        store.create(load_file(OTHER), message="imported")
    with start_app(tmp_path) as url:
        yield url, db


def settle(page: Any) -> None:
    """Wait until the script run is over (the app's 'Running' indicator is gone); no tooltip in the picture."""
    page.wait_for_timeout(400)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=60_000)
    page.mouse.move(1, 1)
    page.wait_for_timeout(600)


def wait_text(page: Any, text: str | re.Pattern[str]) -> None:
    page.get_by_text(text).first.wait_for()


def nav(page: Any, name: str) -> None:
    page.get_by_test_id("stTopNav").get_by_role("link", name=name, exact=True).click()


def test_save_change_diff_restore_share_and_open_read_only(
    library_app: tuple[str, Path], page: Any, browser: Any, shot: Callable[..., Path]
) -> None:
    url, db = library_app
    template = load_file(TEMPLATE)

    # save a design from a template on the Board
    open_board(page, url)
    page.get_by_role("button", name=template.name).first.click()
    page.frame_locator(CANVAS).locator(".react-flow__node[data-id='gw']").wait_for()
    page.get_by_role("button", name="Save", exact=True).click()
    wait_text(page, "Saved · revision 1")

    # change it (one replica on the gateway: a reliability finding) and save again
    page.frame_locator(CANVAS).locator(".react-flow__node[data-id='gw']").click()
    replicas = page.get_by_label("Replicas", exact=True)
    replicas.fill("1")
    replicas.press("Enter")
    wait_text(page, "Unsaved changes")
    # ... and accept the finding with a reason (the shared view shows it later)
    page.get_by_role("tab", name="Findings", exact=True).click()
    page.get_by_text("REL-1").first.wait_for()
    page.get_by_role("button", name="Accept…").first.click()
    page.get_by_role("textbox", name="Why is this acceptable?").fill(REASON)
    page.get_by_role("textbox", name="Why is this acceptable?").press("Enter")
    page.get_by_role("button", name="Accept with this reason").click()
    page.get_by_text(re.compile(r"\b1\s*accepted")).first.wait_for()
    page.get_by_role("button", name="Save", exact=True).click()
    wait_text(page, "Saved · revision 2")
    with open_store(db) as store:
        [mine] = [d for d in store.list_designs().items if d.name == template.name]
        assert mine.revisions == 2
    design_id = mine.id

    # the Library lists both designs; search narrows to one
    nav(page, "Library")
    row = page.locator(f".st-key-lib-row-{design_id}")
    row.wait_for()
    page.wait_for_function("document.querySelectorAll(\"[class*='st-key-lib-row-']\").length === 2")
    assert re.search(r"\b2\b", row.inner_text())  # two revisions
    settle(page)
    shot("library-1-table")
    search = page.get_by_label("Search", exact=True)
    search.fill("news feed")
    search.press("Enter")
    page.wait_for_function("document.querySelectorAll(\"[class*='st-key-lib-row-']\").length === 1")
    assert row.is_visible()
    settle(page)
    shot("library-2-search")

    # a preview under the row: the Board's canvas, read-only
    row.get_by_role("button", name="More").click()
    page.get_by_text("Preview", exact=True).click()
    preview = page.frame_locator(f".st-key-lib-preview-{design_id} {CANVAS}")
    preview.locator(".mlsd-root.read-only .react-flow__node[data-id='gw']").wait_for()
    assert preview.locator(".react-flow__node").count() == len(template.components)
    settle(page)
    shot("library-2b-preview")
    page.get_by_role("button", name="Close preview").click()
    page.locator(f".st-key-lib-preview-{design_id}").wait_for(state="detached")

    # History & diff from the row's menu
    row.get_by_role("button", name="More").click()
    page.get_by_text("History & diff", exact=True).click()
    page.locator(".st-key-hist-rev-2").wait_for()
    assert "saved from the board" in page.locator(".st-key-hist-rev-2").inner_text()
    settle(page)
    shot("library-3-history")
    page.get_by_role("tab", name="Compare").click()
    page.locator(SVG).nth(1).wait_for()
    wait_text(page, "1 block changed")
    wait_text(page, re.compile(r"🆕 .*REL-1"))
    changed = page.locator(f"{SVG} g#block-gw")
    assert changed.count() == 2  # on both sides
    for i in range(2):
        assert CHANGED_COLOR.lower() in changed.nth(i).inner_html().lower()
    assert ADDED_COLOR.lower() not in page.locator(SVG).nth(1).inner_html().lower()
    settle(page)
    shot("library-4-diff", full=True)

    # restore revision 1: a new revision 3 with revision 1's content
    page.get_by_role("tab", name="Revisions").click()
    page.locator(".st-key-hist-rev-1").get_by_role("button", name="Restore").click()
    page.locator(".st-key-hist-rev-3").wait_for()
    with open_store(db) as store:
        history = store.history(design_id)
        assert [r.message for r in history][-1] == "restored revision 1"
        assert store.open(design_id).design.by_id()["gw"].props == store.open(design_id, 1).design.by_id()["gw"].props
    settle(page)
    shot("library-5-restored")
    # ... and back to revision 2 (revision 4), whose accepted risk the shared view shows
    page.locator(".st-key-hist-rev-2").get_by_role("button", name="Restore").click()
    page.locator(".st-key-hist-rev-4").wait_for()
    with open_store(db) as store:
        assert [w.reason for w in store.open(design_id).design.waivers] == [REASON]

    # share a read-only link
    page.get_by_role("tab", name="Share").click()
    page.get_by_role("button", name="Create link").click()
    wait_text(page, "New link")
    link = page.get_by_test_id("stCode").first.inner_text().strip()
    assert re.fullmatch(re.escape(url) + r"/\?share=[A-Za-z0-9_-]{43}", link), link
    settle(page)
    shot("library-6-share")

    # open it in a fresh browser context: read-only, with the waiver's reason
    visitor = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        other = visitor.new_page()
        other.set_default_timeout(30_000)
        other.goto(link)
        other.get_by_text("Read-only shared design").wait_for()
        other.get_by_role("heading", name=template.name).first.wait_for()
        shared = other.frame_locator(CANVAS)
        shared.locator(".react-flow__node[data-id='gw']").wait_for()  # the Board's canvas, read-only
        assert shared.locator(".mlsd-root.read-only").count() == 1
        assert shared.locator(".react-flow__node").count() == len(template.components)
        wait_text(other, "Accepted because:")
        wait_text(other, REASON[:40])
        assert other.get_by_test_id("stTopNav").count() == 0
        assert other.get_by_role("textbox").count() == 0 and other.get_by_role("spinbutton").count() == 0
        assert other.get_by_role("button", name=EDITS).count() == 0
        assert other.get_by_role("button", name="Copy to my library").count() == 1
        assert other.get_by_role("link", name="Open MLSD Whiteboard").count() == 1  # a way into the app
        settle(other)
        ARTIFACTS.mkdir(exist_ok=True)
        other.screenshot(path=str(ARTIFACTS / "library-7-shared-view.png"))
        other.get_by_role("button", name="Copy to my library").click()
        wait_text(other, "Copied to your library")
        with open_store(db) as store:
            assert store.list_designs().total == 3
            assert store.get(design_id).revisions == 4  # the original is untouched

        # revoke it: the link now says it was revoked and nothing else
        page.locator("[class*='st-key-share-link-']").first.get_by_role("button", name="Revoke").click()
        wait_text(page, "No active link")
        other.reload()
        wait_text(other, "This link was revoked")
        settle(other)
        assert other.locator(CANVAS).count() == 0 and other.get_by_role("heading").count() == 0
        other.screenshot(path=str(ARTIFACTS / "library-8-revoked.png"))
    finally:
        visitor.close()


def node_boxes(frame: Any) -> dict[str, tuple[float, float]]:
    """Each block's place on a canvas relative to the first block, in units of that canvas's block width (so
    that two canvases at different zooms compare)."""
    boxes = frame.locator(".react-flow__node").evaluate_all(
        "ns => ns.map(n => { const r = n.getBoundingClientRect(); return [n.dataset.id, r.x, r.y, r.width]; })")
    ref = boxes[0]
    return {i: ((x - ref[1]) / ref[3], (y - ref[2]) / ref[3]) for i, x, y, _ in boxes}


def drag(page: Any, node: Any, dx: float, dy: float) -> None:
    box = node.bounding_box()  # relative to the page's viewport, also inside the canvas' frame
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=8)
    page.mouse.up()


def same_places(a: dict[str, tuple[float, float]], b: dict[str, tuple[float, float]]) -> bool:
    return a.keys() == b.keys() and all(abs(a[k][0] - b[k][0]) <= 0.15 and abs(a[k][1] - b[k][1]) <= 0.15 for k in a)


def test_history_and_share_from_the_board_toolbar(
    library_app: tuple[str, Path], page: Any, browser: Any, shot: Callable[..., Path]
) -> None:
    url, db = library_app
    template = load_file(TEMPLATE)
    page.set_viewport_size({"width": 1440, "height": 900})
    open_board(page, url)
    page.get_by_role("button", name=template.name).first.click()
    board = page.frame_locator(CANVAS)
    board.locator(".react-flow__node[data-id='gw']").wait_for()
    # move a block somewhere no auto-layout would put it and save, twice: revisions 1 and 2
    for revision in (1, 2):
        drag(page, board.locator(".react-flow__node[data-id='gw']"), 30, 90)
        wait_text(page, re.compile("unsaved changes", re.I))
        page.get_by_role("button", name="Save", exact=True).click()
        wait_text(page, f"Saved · revision {revision}")
    with open_store(db) as store:
        assert [d.revisions for d in store.list_designs().items if d.name == template.name] == [2]

    # History: the revisions beside the canvas, on the same page
    page.get_by_role("button", name="History", exact=True).click()
    page.locator(".st-key-board-rev-1").wait_for()
    assert board.locator(".react-flow__node[data-id='gw']").is_visible()  # the canvas stays
    settle(page)
    shot("board-history-panel")
    page.locator(".st-key-board-rev-1").get_by_role("button", name="View").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("read-only").first.wait_for()
    viewed = page.frame_locator(f"[role='dialog'] {CANVAS}")
    viewed.locator(".react-flow__node[data-id='gw']").wait_for()
    assert viewed.locator(".mlsd-root.read-only").count() == 1
    settle(page)
    shot("board-history-view")
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")

    # Share: a link from the toolbar; the visitor sees the same picture, read-only
    page.get_by_role("button", name="Share", exact=True).click()
    page.get_by_role("button", name="Create link").click()
    wait_text(page, "New link")
    link = page.get_by_test_id("stCode").first.inner_text().strip()
    assert re.fullmatch(re.escape(url) + r"/\?share=[A-Za-z0-9_-]{43}", link), link
    settle(page)
    shot("board-share-panel")
    drawn = node_boxes(board)
    visitor = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        other = visitor.new_page()
        other.set_default_timeout(30_000)
        other.goto(link)
        shared = other.frame_locator(CANVAS)
        shared.locator(".react-flow__node[data-id='gw']").wait_for()
        other.wait_for_timeout(1000)  # the canvas fits the design to its frame once drawn
        assert same_places(node_boxes(shared), drawn)  # the same blocks, in the places the author put them
        edges = shared.locator(".react-flow__edge path.mlsd-edge")
        assert edges.count() == len(template.connections)  # every connection drawn, as on the Board
        settle(other)
        ARTIFACTS.mkdir(exist_ok=True)
        other.screenshot(path=str(ARTIFACTS / "board-shared-view.png"))
        with visitor.expect_page() as opened:  # the way back into the app (a new tab)
            other.get_by_role("link", name="Open MLSD Whiteboard").click()
        opened.value.get_by_role("heading", name="MLSD Whiteboard", level=1).wait_for()
    finally:
        visitor.close()
