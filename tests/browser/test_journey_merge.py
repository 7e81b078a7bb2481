"""Journey: two people edit one design in two browsers and both save; nothing is lost.

Ana (page A) saves a template; Ben (page B) opens it from the library, and each sees the other in the toolbar.
Each changes a different block's replicas and both save: Ben's save meets Ana's revision, merges, and the saved
revision holds both changes. Then both change the same block's replicas to different values: the second save
shows the conflict side by side in the side panel, Save waits for a pick, and the pick is what gets saved.
Screenshots go to test-artifacts/merge-*.png.
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
TEMPLATE = load_file(ROOT / "designs" / "news_feed_ranking.json")
CANVAS = "iframe[title='components.whiteboard.mlsd_whiteboard']"


@pytest.fixture
def merge_app(tmp_path: Path, start_app: Callable[..., Any]) -> Iterator[tuple[str, Path]]:
    with start_app(tmp_path) as url:
        yield url, tmp_path / "library.db"


@pytest.fixture
def second_page(browser: Any) -> Iterator[Any]:
    """Another person's browser: its own context, so its own Streamlit session."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


def wait_text(page: Any, text: str | re.Pattern[str]) -> None:
    page.get_by_text(text).first.wait_for()


def settle(page: Any) -> None:
    page.wait_for_timeout(400)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=60_000)
    page.mouse.move(1, 1)
    page.wait_for_timeout(600)


def snap(page: Any, name: str) -> None:
    """A screenshot of either person's page (the ``shot`` fixture takes the first page only)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def set_replicas(page: Any, block: str, value: int) -> None:
    """Select ``block`` on the canvas and type its replicas in the inspector."""
    page.frame_locator(CANVAS).locator(f".react-flow__node[data-id='{block}']").click()
    page.get_by_text(f"Block id {block}").first.wait_for()
    settle(page)  # the inspector of the block selected before is gone
    box = page.get_by_label("Replicas", exact=True)
    for _ in range(50):
        if box.count() == 1:
            break
        page.wait_for_timeout(100)
    box.fill(str(value))
    box.press("Enter")
    wait_text(page, "Unsaved changes")


def save(page: Any) -> None:
    page.get_by_role("button", name="Save", exact=True).click()


def latest(db: Path) -> tuple[int, dict[str, Any]]:
    with open_store(db) as store:
        [item] = store.list_designs().items
        rev = store.open(item.id)
    return rev.number, {c.id: c.props.get("replicas") for c in rev.design.components}


def test_two_people_save_one_design_and_lose_nothing(merge_app: tuple[str, Path], page: Any, second_page: Any,
                                                     shot: Callable[..., Path]) -> None:
    url, db = merge_app
    ana, ben = page, second_page
    open_board(ana, url)
    ana.get_by_role("button", name=TEMPLATE.name).first.click()
    ana.frame_locator(CANVAS).locator(".react-flow__node[data-id='gw']").wait_for()
    save(ana)
    wait_text(ana, "Saved · revision 1")

    open_board(ben, url)
    ben.get_by_role("button", name="Open", exact=True).click()
    ben.get_by_role("button", name=re.compile(re.escape(TEMPLATE.name) + r" · rev 1")).click()
    wait_text(ben, "Saved · revision 1")
    # each sees the other in the toolbar (the heartbeat fragment reruns by itself every few seconds)
    wait_text(ana, "local is editing")  # no sign-in: the other browser is the local user too, named as everywhere
    wait_text(ben, "local is editing")
    settle(ana)
    shot("merge-0-presence")

    # different blocks: both saves go through, the second one merged
    set_replicas(ana, "gw", 5)
    set_replicas(ben, "lb", 7)
    save(ana)
    wait_text(ana, "Saved · revision 2")
    save(ben)
    wait_text(ben, re.compile(r"Merged 1 change from revision 2 (by \S+ )?with yours; saved as revision 3\."))
    wait_text(ben, "Saved · revision 3")
    number, replicas = latest(db)
    assert number == 3 and (replicas["gw"], replicas["lb"]) == (5, 7)
    snap(ben, "merge-1-clean")
    settle(ben)
    assert ben.get_by_label("Replicas", exact=True).first.input_value() == "7"

    # the same block, different values: the later save asks which to keep
    set_replicas(ben, "feed", 300)
    save(ben)
    wait_text(ben, "Saved · revision 4")
    set_replicas(ana, "feed", 250)
    save(ana)
    wait_text(ana, "Merge with revision 4")
    wait_text(ana, "block 'feed' props.replicas")
    assert ana.get_by_role("button", name="Save merged design").is_disabled()
    settle(ana)
    shot("merge-2-conflict")
    ana.locator("[data-testid='stRadio'] label").filter(has_text="Mine").first.click()
    ana.get_by_role("button", name="Save merged design").wait_for()
    for _ in range(50):
        if ana.get_by_role("button", name="Save merged design").is_enabled():
            break
        ana.wait_for_timeout(100)
    ana.get_by_role("button", name="Save merged design").click()
    wait_text(ana, "Saved · revision 5")
    number, replicas = latest(db)
    assert number == 5 and (replicas["gw"], replicas["lb"], replicas["feed"]) == (5, 7, 250)
    settle(ana)
    shot("merge-3-picked")
