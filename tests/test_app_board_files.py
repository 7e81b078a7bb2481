"""Design files on the board (AppTest through app.py): import good files and refuse bad ones, import over
unsaved changes asks first, and every export holds the blocks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from components.board.exports import export_files
from mlsd import edit
from mlsd.io import MAX_FILE_BYTES, dumps, load_file
from mlsd.model import Design
from mlsd.rules import check
from tests.board_apptest import (
    DESIGNS,
    HOSTILE,
    add,
    bottom,
    click,
    design_of,
    open_board,
    start_from,
    unescape,
    upload,
)


def test_import_good_files_and_refuse_bad_ones(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    data = {"name": "Imported", "components": [{"id": "a", "kind": "client"}, {"id": "b", "kind": "api_gateway"}],
            "connections": [{"id": "c1", "source": "a", "target": "b"}]}
    upload(at, "good.yaml", yaml.safe_dump(data).encode())
    d = design_of(at)
    assert d.name == "Imported" and [c.id for c in d.components] == ["a", "b"]
    assert edit.has_layout(d)  # a file without positions is laid out
    bad = {**data, "components": [{"id": "a", "kind": "warp_core"}, {"id": "b", "kind": "api_gateway", "colour": 1}]}
    upload(at, "bad.json", json.dumps(bad).encode())
    assert design_of(at) == d  # untouched
    error = unescape(at.error[0].value)
    assert "bad.json is not a valid design; the board is unchanged" in error
    lines = error.splitlines()
    assert any("block 'a'" in line and "warp_core" in line for line in lines)
    assert any("block 'b'" in line and "colour" in line for line in lines)
    upload(at, "broken.json", b'{"name": "x", ')
    assert design_of(at) == d
    assert "malformed JSON at line 1" in unescape(at.error[0].value)
    upload(at, "huge.json", b" " * (MAX_FILE_BYTES + 1))
    assert design_of(at) == d
    assert "designs are limited to 20 MB" in unescape(at.error[0].value)


def test_import_over_unsaved_changes_asks_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    add(at, "cache")
    mine = design_of(at)
    upload(at, "other.json", dumps(load_file(DESIGNS / "card_fraud_scoring.json")).encode())
    assert design_of(at) == mine
    click(at, "board.lib.pending.ok")
    assert design_of(at) == load_file(DESIGNS / "card_fraud_scoring.json")


def test_exports_hold_the_blocks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    d = edit.set_label(d, d.components[0].id, HOSTILE)
    report = check(d)
    files = export_files(d, report)
    assert set(files) == {"json", "yaml", "mermaid", "drawio", "excalidraw", "dot", "markdown", "svg"}
    texts = {fmt: f.build() for fmt, f in files.items()}
    assert Design.model_validate_json(texts["json"]) == d
    assert Design.model_validate(yaml.safe_load(texts["yaml"])) == d
    plain_titles = [c.title for c in d.components if re.fullmatch(r"[A-Za-z0-9 ,:/()-]+", c.title)]
    assert len(plain_titles) > 5
    for fmt in ("mermaid", "drawio", "excalidraw", "dot", "markdown", "svg"):
        missing = [t for t in plain_titles if t not in texts[fmt]]
        assert missing == [], fmt
    assert "<script>" not in texts["svg"] and "&lt;script&gt;" in texts["svg"]
    bottom(at, "Import / export")
    buttons = [b for b in at.get("download_button")]
    assert len(buttons) == 8
