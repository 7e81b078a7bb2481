"""Journey: the Board notices, by itself, that the library holds a newer revision of its design.

A design saved twice from the board (revision 2); revision 1 is restored behind its back (written through the
store, as History in another tab would: revision 3). Without touching the page, the presence heartbeat brings the
note into the status line; with an unsaved change, Load it asks first; then revision 3 is on the board.
Screenshots go to test-artifacts/newer-*.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.io import load_file
from mlsd.store import open_store
from tests.browser.conftest import open_board
from tests.browser.test_journey_merge import CANVAS, save, set_replicas, settle, wait_text

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_file(ROOT / "designs" / "news_feed_ranking.json")


@pytest.fixture
def newer_app(tmp_path: Path, start_app: Callable[..., Any]) -> Iterator[tuple[str, Path]]:
    with start_app(tmp_path) as url:
        yield url, tmp_path / "library.db"


def test_the_board_notices_a_restore_and_loads_it(newer_app: tuple[str, Path], page: Any,
                                                 shot: Callable[..., Path]) -> None:
    url, db = newer_app
    page.set_viewport_size({"width": 1440, "height": 900})
    open_board(page, url)
    page.get_by_role("button", name=TEMPLATE.name).first.click()
    page.frame_locator(CANVAS).locator(".react-flow__node[data-id='gw']").wait_for()
    save(page)
    wait_text(page, "Saved · revision 1")
    set_replicas(page, "gw", 5)
    save(page)
    wait_text(page, "Saved · revision 2")

    with open_store(db) as store:
        [item] = store.list_designs().items
        assert store.restore_revision(item.id, 1, author="local").number == 3
    # no click, no typing: the heartbeat fragment reruns by itself and sees revision 3
    wait_text(page, "Revision 3 in the library is newer")
    wait_text(page, "restored by local")
    settle(page)
    shot("newer-1-note")

    set_replicas(page, "gw", 9)  # an unsaved change: Load it asks before it goes
    wait_text(page, "Unsaved changes (based on revision 2)")
    page.get_by_role("button", name="Load it").click()
    wait_text(page, "The board has unsaved changes. Open 'News feed ranking' (revision 3) and discard them?")
    settle(page)
    shot("newer-2-asked")
    page.get_by_role("button", name="Discard changes and open").click()
    wait_text(page, "Saved · revision 3")
    assert page.get_by_role("button", name="Load it").count() == 0
    assert page.get_by_role("button", name="Undo").is_disabled()  # a design loaded: its history starts again
    settle(page)
    shot("newer-3-loaded")
