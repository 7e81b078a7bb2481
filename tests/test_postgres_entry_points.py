"""The app and ``python -m mlsd library`` on a PostgreSQL library (``MLSD_DB`` / ``--db`` a postgresql:// URL).

The store suite runs every store method on both backends; these check that the entry points reach PostgreSQL:
the Library page lists and searches what is there, the Board saves revisions into it, the CLI imports and lists.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mlsd.cli import main
from mlsd.store import open_store
from tests.board_apptest import add, click, ok, start_from
from tests.library_apptest import open_library, shown_ids, small
from tests.test_library_cli import design_data, write

ROOT = Path(__file__).resolve().parent.parent


def test_the_library_page_lists_and_searches_a_postgresql_library(
    monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    monkeypatch.setenv("MLSD_DB", postgres_url)
    with open_store(postgres_url) as store:
        zebra = store.create(small("Zebrafish ranking", tags=["fish"])).design_id
        other = store.create(small("Other one", label="Zebrafish model")).design_id
        plain = store.create(small("Unrelated")).design_id
    at = open_library()
    assert shown_ids(at) == [plain, other, zebra]  # the last saved first
    at.text_input(key="lib.search").input("zebra").run()
    ok(at)
    assert set(shown_ids(at)) == {zebra, other}
    at.text_input(key="lib.search").input('zebra "ranking*').run()
    ok(at)
    assert shown_ids(at) == [zebra]


def test_the_board_saves_revisions_into_postgresql(monkeypatch: pytest.MonkeyPatch, postgres_url: str) -> None:
    monkeypatch.setenv("MLSD_DB", postgres_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/board.py").run()
    ok(at)
    start_from(at, "video_recommendations")
    click(at, "board.lib.save")
    add(at, "cache")
    click(at, "board.lib.save")
    with open_store(postgres_url) as store:
        [item] = store.list_designs().items
        history = store.history(item.id)
        latest = store.open(item.id)
    assert [r.number for r in history] == [1, 2]
    assert any(c.kind == "cache" for c in latest.design.components)


def test_the_cli_imports_and_lists_with_a_url(postgres_url: str, tmp_path: Path) -> None:
    files = [write(tmp_path / "a.json", design_data("Video recs")), write(tmp_path / "b.json", design_data("Fraud"))]
    out = io.StringIO()
    assert main(["library", "import", *map(str, files), "--db", postgres_url, "--format", "json"], out=out) == 0
    out = io.StringIO()
    assert main(["library", "list", "--db", postgres_url, "--format", "json"], out=out) == 0
    assert {d["name"] for d in json.loads(out.getvalue())} == {"Video recs", "Fraud"}


def test_the_cli_names_an_unreachable_database_without_its_password(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["library", "list", "--db", "postgresql://bob:pa55word@127.0.0.1:1/lib?connect_timeout=2"],
                out=io.StringIO())
    err = capsys.readouterr().err
    assert code != 0
    assert "PostgreSQL database lib on 127.0.0.1:1" in err and "pa55word" not in err
