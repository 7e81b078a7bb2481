"""Journey: kill -9 of the app's server process while it saves (issue 14, "Load and reliability").

Through a real ``streamlit run`` server: a design is saved from the Board, then changed and saved again a few times
(each "Saved · revision N" on the page is an acknowledged save, with the gateway's replicas set to N + 1); one more
save is clicked and the server is SIGKILLed at once, mid-run. The library then holds every acknowledged revision
with its content, no gap in the numbers, takes a save, and a new server on it lists the design. On both backends.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlsd.io import load_file
from mlsd.store import open_store, summarize
from tests.browser.conftest import open_board, serve_app_process

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "designs" / "news_feed_ranking.json"
CANVAS = "iframe[title='components.whiteboard.mlsd_whiteboard']"
SAVES = 4


def set_replicas(page: Any, value: int) -> None:
    """The gateway's replicas in the inspector (the gateway stays selected), once the last run is over."""
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=60_000)
    replicas = page.get_by_label("Replicas", exact=True).first
    replicas.fill(str(value))
    replicas.press("Enter")
    page.get_by_text("Unsaved changes").first.wait_for()


def test_kill_9_of_the_server_during_saves_loses_no_acknowledged_revision(
    tmp_path: Path, library_target: str, page: Any, start_app: Callable[..., Any]
) -> None:
    template = load_file(TEMPLATE)
    db, env = library_target, {"MLSD_DB": library_target}  # a SQLite file, then a PostgreSQL URL
    with serve_app_process(tmp_path, env) as (url, proc):
        open_board(page, url)
        page.get_by_role("button", name=template.name).first.click()
        page.frame_locator(CANVAS).locator(".react-flow__node[data-id='gw']").wait_for()
        save = page.get_by_role("button", name="Save", exact=True)
        save.click()
        page.get_by_text("Saved · revision 1").first.wait_for()
        page.frame_locator(CANVAS).locator(".react-flow__node[data-id='gw']").click()
        for number in range(2, SAVES + 1):
            set_replicas(page, number + 1)
            save.click()
            page.get_by_text(f"Saved · revision {number}").first.wait_for()
        set_replicas(page, 99)
        save.click()
        page.wait_for_timeout(50)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL

    with open_store(db) as store:
        [summary] = store.list_designs().items
        history = store.history(summary.id)
        numbers = [r.number for r in history]
        assert numbers == list(range(1, len(numbers) + 1)) and numbers[-1] >= SAVES
        assert store.open(summary.id, 1).design == template
        for number in range(2, SAVES + 1):
            assert store.open(summary.id, number).design.by_id()["gw"].props["replicas"] == number + 1
        latest = store.open(summary.id)
        info = store.save(summary.id, latest.design, base_revision=latest.number, checks=summarize(latest.design))
        assert info.number == latest.number + 1

    with start_app(tmp_path, env) as url:  # a new server on the library the killed one left
        page.goto(url)
        page.get_by_test_id("stTopNav").get_by_role("link", name="Library", exact=True).click(timeout=120_000)
        row = page.locator(f".st-key-lib-row-{summary.id}")
        row.wait_for(timeout=120_000)
        assert template.name in row.inner_text()
