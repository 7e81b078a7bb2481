"""Importing diagrams drawn elsewhere, through app.py with AppTest: on the Board (a file or pasted Mermaid, then
the mapping table) and in the Library (several files at once, generic boxes listed)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from components.board.imports import DRAFT_KEY, chosen_kinds, mapping_rows, needs_review, read_draft
from mlsd.formats import dump, load
from mlsd.io import load_file
from mlsd.store import open_store
from tests.board_apptest import DESIGNS, click, design_of, open_board, unescape, upload
from tests.library_apptest import open_library
from tests.library_apptest import upload as library_upload

MERMAID = "flowchart LR\n  U[Users] --> GW[API gateway]\n  GW --> W[Wibble]\n  W -.-> K[(Kafka)]\n  T>a note]\n" \
          "  click W \"https://example.com\"\n"


def test_a_foreign_file_waits_in_a_mapping_table_and_is_created_with_the_kinds_picked(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    before = design_of(at)
    upload(at, "sketch.mmd", MERMAID.encode())
    assert design_of(at) == before  # nothing created yet
    name, draft = at.session_state[DRAFT_KEY]
    assert name == "sketch.mmd" and [b.id for b in draft.unresolved()] == ["W", "T"]
    table = at.dataframe
    assert table, "the mapping table is shown"
    warning = unescape(at.warning[0].value)
    assert "Not imported (1)" in warning and "click action" in warning
    click(at, "board.import.create")
    design = design_of(at)
    assert {c.id: c.kind for c in design.components} == {"U": "client", "GW": "api_gateway", "W": "generic",
                                                         "K": "message_queue", "T": "generic"}
    assert at.session_state[DRAFT_KEY] is None


def test_pasted_mermaid_with_an_error_names_the_line_and_changes_nothing(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    before = design_of(at)
    at.session_state["board.bottom"] = "Import / export"
    at.run()
    at.text_area(key="board.import.paste").set_value("flowchart LR\n  A --> B[never closed\n")
    click(at, "board.import.paste_go")
    assert design_of(at) == before
    assert "line 2" in unescape(at.error[0].value)
    at.text_area(key="board.import.paste").set_value(MERMAID)
    click(at, "board.import.paste_go")
    assert at.session_state[DRAFT_KEY][1].blocks[0].label == "Users"
    click(at, "board.import.cancel")
    assert at.session_state[DRAFT_KEY] is None and design_of(at) == before


@pytest.mark.parametrize("fmt", ["drawio", "excalidraw", "mermaid"])
def test_our_own_exports_come_straight_back(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fmt: str) -> None:
    at = open_board(monkeypatch, tmp_path)
    original = load_file(DESIGNS / "card_fraud_scoring.json")
    suffix = {"mermaid": "mmd"}.get(fmt, fmt)
    upload(at, f"fraud.{suffix}", dump(original, fmt).encode())
    assert design_of(at) == original and at.session_state.get(DRAFT_KEY) is None


def test_mapping_rows_and_the_kinds_picked() -> None:
    draft = load(MERMAID, "mermaid")
    rows = mapping_rows(draft)
    assert [r["kind"] for r in rows] == ["client", "api_gateway", "generic", "message_queue", "generic"]
    assert [r["found"] for r in rows][:3] == ["keyword", "keyword", "not found"]
    edited = pd.DataFrame(rows)
    edited.loc[2, "kind"] = "cache"
    edited.loc[4, "kind"] = None
    assert chosen_kinds(draft, edited) == {"U": "client", "GW": "api_gateway", "W": "cache",
                                           "K": "message_queue", "T": "generic"}
    assert needs_review(draft) and not needs_review(read_draft("a.json", dump(load_file(
        DESIGNS / "card_fraud_scoring.json"), "json").encode()))
    assert read_draft("scene.json", dump(load_file(DESIGNS / "card_fraud_scoring.json"), "excalidraw").encode()
                      ).fmt == "excalidraw"


def test_library_imports_diagrams_of_every_format_at_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLSD_DB", str(tmp_path / "library.db"))
    fraud = load_file(DESIGNS / "card_fraud_scoring.json")
    at = open_library()
    library_upload(at, [("a.drawio", dump(fraud, "drawio").encode()),
                        ("b.excalidraw", dump(fraud, "excalidraw").encode()),
                        ("sketch.mmd", MERMAID.encode()),
                        ("bad.drawio", b"<mxfile><diagram>")])
    store = open_store(tmp_path / "library.db")
    try:
        names = sorted(d.name for d in store.list_designs().items)
    finally:
        store.close()
    assert names == ["Imported diagram", fraud.name, fraud.name]
    info = unescape(at.info[0].value)
    assert "sketch.mmd" in info and "node 'W'" in info and "made a generic box" in info and "click action" in info
    assert "bad.drawio" in unescape(at.error[0].value) and "malformed draw.io XML" in unescape(at.error[0].value)
