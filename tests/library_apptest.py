"""The Library page under Streamlit's AppTest: a library file of its own per test (``MLSD_DB``), filled through the
Store API, and short ways to read and drive the page (rows, pager, row menus, toasts, uploads). Used by
test_app_library_*.py, test_app_board_import.py and test_postgres_entry_points.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from mlsd.model import Design
from mlsd.store import Store, open_store
from tests.apptest_common import block, ok, unescape
from tests.conftest import design_of

ROOT = Path(__file__).resolve().parent.parent


def small(name: str, label: str = "Ranker", **fields: Any) -> Design:
    return design_of(
        [
            {"id": "client", "kind": "client", "label": "Mobile app"},
            {"id": "gw", "kind": "api_gateway", "label": "API gateway"},
            {"id": "inf", "kind": "online_inference", "label": label},
        ],
        [
            {"id": "c1", "source": "client", "target": "gw", "flow": "request"},
            {"id": "c2", "source": "gw", "target": "inf", "flow": "request"},
        ],
        name=name, requirements={"sla_p99_ms": 200, "peak_qps": 1000}, **fields,
    )


@pytest.fixture
def library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "library.db"
    monkeypatch.setenv("MLSD_DB", str(path))
    store = open_store(path)
    yield store
    store.close()


def open_library() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/library.py").run()
    ok(at)
    return at


def row_texts(at: AppTest, design_id: str) -> list[str]:
    """The texts of a design's row, cell by cell."""
    return [unescape(m.value) for m in block(at, f"lib-row-{design_id}").markdown]


def shown_ids(at: AppTest) -> list[str]:
    """The designs in the table, top to bottom."""
    return [str(b.key)[len("lib-row-"):] for b in at.container if str(getattr(b, "key", "")).startswith("lib-row-")]


def menu(at: AppTest, design_id: str, choice: str) -> None:
    [button] = [m for m in at.get("menu_button") if m.key == f"lib.act.{design_id}"]
    button.click(choice)
    at.run()
    ok(at)


def toasts(at: AppTest) -> list[str]:
    return [unescape(t.value) for t in at.toast]


def pager_state(at: AppTest) -> tuple[str, dict[str, bool]]:
    """The pager's "Page n of m" and which of its buttons are enabled."""
    [where] = [c.value for c in at.caption if c.value.startswith("Page ")]
    buttons = {b.key: not b.disabled for b in at.button if b.key in ("lib.first", "lib.previous", "lib.next",
                                                                     "lib.last")}
    return where, buttons


def upload(at: AppTest, files: list[tuple[str, bytes]]) -> None:
    at.session_state["lib.import_pop"] = True
    at.run()
    [uploader] = at.file_uploader
    assert uploader.accept_multiple_files
    uploader.set_value([(name, data, "application/octet-stream") for name, data in files])
    at.run()
    ok(at)
