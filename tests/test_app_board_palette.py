"""The board's start (AppTest through app.py, the canvas simulated): an empty board says what to do, a
template in one click, a block from the palette, and canvas values that are not events change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.board.canvas import CANVAS_KEY
from components.board.state import BoardKey
from mlsd.catalog import KINDS
from mlsd.io import load_file
from tests.board_apptest import (
    _IDS,
    DESIGNS,
    add,
    canvas_args,
    design_of,
    nodes,
    ok,
    open_board,
    send,
    start_from,
)


def test_an_empty_board_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    assert design_of(at).components == []
    assert any("An empty board" in m.value for m in at.markdown)
    templates = [b for b in at.button if (b.key or "").startswith("board.empty.tpl.")]
    assert templates and all(b.help for b in templates)
    assert any("**Next steps** · 0 of 4 done" in m.value for m in at.markdown)  # the findings panel: next steps
    assert any("Findings appear here" in c.value for c in at.caption)
    assert nodes(at) == [] and canvas_args(at)["palette"]  # the palette is at the canvas' edge
    assert not [b for b in at.sidebar.button if (b.key or "").startswith("board.palette")]
    # every widget explains itself
    widgets = [*at.button, *at.text_input, *at.selectbox, *at.number_input]
    assert [w.key for w in widgets if not w.help] == []


def test_start_from_a_template_in_one_click(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    expected = load_file(DESIGNS / "video_recommendations.json")
    d = start_from(at, "video_recommendations")
    assert d == expected
    drawn = nodes(at)
    assert [n["id"] for n in drawn] == [c.id for c in expected.components]
    assert [(n["x"], n["y"]) for n in drawn] == [
        (c.position.x, c.position.y) for c in expected.components]
    assert at.session_state[BoardKey.DIRTY.value] is False
    assert at.button(key="board.btn.undo").disabled
    assert not any("An empty board" in m.value for m in at.markdown)


def test_add_a_block_from_the_palette(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    assert [t["kind"] for t in canvas_args(at)["palette"]] == list(KINDS)
    add(at, "cache", 420.0, 180.0)
    d = design_of(at)
    assert [(c.id, c.kind, c.position.x, c.position.y) for c in d.components] == [("cache", "cache", 420.0, 180.0)]
    assert at.session_state[BoardKey.SELECTED.value] == "cache"
    assert at.session_state[BoardKey.PANEL.value] == "Inspector"
    assert at.session_state[BoardKey.DIRTY.value] is True
    assert [n["id"] for n in nodes(at)] == ["cache"]
    assert at.text_input(key=f"board.insp@{at.session_state[BoardKey.REV.value]}.cache.label") is not None
    add(at, "cache", 700.0, 180.0)
    assert len({c.id for c in design_of(at).components}) == 2
    assert canvas_args(at)["ack"] == f"t{next(_IDS) - 1}"  # the canvas is told which event Python handled


def test_canvas_values_that_are_not_events_change_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    send(at)
    at.session_state[CANVAS_KEY] = {"events": [{"id": "x1", "type": "teleport"}]}
    at.run()
    ok(at)
    assert any("ignored" in t.value for t in at.toast)
    add(at, "no_such_kind")
    assert design_of(at) == d
    assert at.session_state[BoardKey.UNDO.value] == [] and at.session_state[BoardKey.DIRTY.value] is False
    assert any("refused" in e.value for e in at.error)
