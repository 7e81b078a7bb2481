"""Edits made on the board's canvas (AppTest through app.py, the canvas simulated): move, connect,
select and delete, the canvas' own edits, auto-layout, undo and redo; inputs of an earlier run change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.board.canvas import CANVAS_KEY, layout_positions
from components.board.state import BoardKey
from mlsd import edit
from mlsd.formats.layout import auto_layout
from mlsd.io import load_file
from tests.board_apptest import (
    DESIGNS,
    add,
    button_with,
    click,
    design_of,
    edges,
    nodes,
    ok,
    open_board,
    panel,
    select,
    send,
    start_from,
)


def test_move_keeps_the_drag_and_is_undoable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    moved = d.components[2].id
    first = send(at, {"type": "move", "positions": {moved: [1234.5, -321.0]}})
    block = design_of(at).by_id()[moved]
    assert (block.position.x, block.position.y) == (1234.5, -321.0)
    assert at.session_state[BoardKey.DIRTY.value] is True
    assert [(n["x"], n["y"]) for n in nodes(at) if n["id"] == moved] == [(1234.5, -321.0)]
    # the same value seen again (the component keeps its last value) is not applied twice, and a value that
    # still holds an event Python handled (not yet dropped by the canvas) applies only the new ones
    at.run()
    assert len(at.session_state[BoardKey.UNDO.value]) == 1
    at.session_state[CANVAS_KEY] = {"events": [*first, {"id": "later", "type": "move",
                                                        "positions": {moved: [1300.0, -321.0]}}]}
    at.run()
    ok(at)
    assert len(at.session_state[BoardKey.UNDO.value]) == 2
    assert design_of(at).by_id()[moved].position.x == 1300.0
    click(at, "board.btn.undo")
    assert design_of(at).by_id()[moved].position.x == 1234.5
    send(at, {"type": "undo"})  # Ctrl+Z on the canvas: the same history
    assert design_of(at) == d
    send(at, {"type": "redo"})
    click(at, "board.btn.redo")
    assert design_of(at).by_id()[moved].position.x == 1300.0


def test_connect_two_blocks_on_the_canvas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    add(at, "client", 0.0, 0.0)
    add(at, "online_inference", 300.0, 0.0)
    send(at, {"type": "connect", "source": "client", "target": "online_inference", "flow": "request"})
    d = design_of(at)
    assert [(e.id, e.source, e.target, e.flow) for e in d.connections] == [
        ("c1", "client", "online_inference", "request")]
    assert at.session_state[BoardKey.SELECTED.value] == "c1"
    assert [e["id"] for e in edges(at)] == ["c1"]
    # the flow is set on the connection itself (its menu on the canvas)
    send(at, {"type": "set_flow", "connection": "c1", "flow": "stream"})
    assert design_of(at).connections[0].flow == "stream"
    assert edges(at)[0]["flow"] == "stream"
    # the inspector edits the selected connection's flow type and label
    panel(at, "Inspector")
    flow = next(s for s in at.selectbox if s.label == "Flow type")
    flow.set_value("request").run()
    ok(at)
    assert design_of(at).connections[0].flow == "request"
    fallback = next(c for c in at.checkbox if c.label == "Fallback")  # shown for request connections only
    fallback.check().run()
    ok(at)
    assert design_of(at).connections[0].fallback
    label = next(t for t in at.text_input if t.label == "Label")
    label.set_value("score").run()
    ok(at)
    assert design_of(at).connections[0].label == "score"
    assert edges(at)[0]["label"] == "score"
    # the same connection drawn twice is refused (shown, nothing changes), and later events still apply
    before = design_of(at)
    send(at, {"type": "connect", "source": "client", "target": "online_inference"},
         {"type": "set_fallback", "connection": "c1", "fallback": False})
    assert [e.id for e in design_of(at).connections] == ["c1"] and not design_of(at).connections[0].fallback
    assert any("refused" in e.value for e in at.error)
    send(at, {"type": "undo"})
    assert design_of(at) == before


def test_select_and_delete_on_the_canvas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    victim = d.components[1]
    select(at, victim.id)
    assert at.session_state[BoardKey.SELECTED.value] == victim.id
    assert at.session_state[BoardKey.PANEL.value] == "Inspector"
    assert any(t.label == "Label" and t.value == victim.label for t in at.text_input)
    send(at, {"type": "remove", "blocks": [victim.id], "connections": []})
    after = design_of(at)
    assert victim.id not in after.by_id()
    assert all(victim.id not in (e.source, e.target) for e in after.connections)
    assert len(after.connections) == len(d.connections) - sum(
        victim.id in (e.source, e.target) for e in d.connections)
    assert at.session_state[BoardKey.SELECTED.value] is None
    # deleting a connection on the canvas
    send(at, {"type": "remove", "blocks": [], "connections": [after.connections[0].id]})
    assert [e.id for e in design_of(at).connections] == [e.id for e in after.connections[1:]]
    # an empty selection (a click on the background, Escape) clears the inspector
    select(at, after.components[0].id)
    send(at, {"type": "select", "blocks": [], "connections": []})
    assert at.session_state[BoardKey.SELECTED.value] is None


def test_inspector_deletes_the_selected_block(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    select(at, d.components[0].id)
    button_with(at, "board.insp@", "Delete block").click().run()
    ok(at)
    assert d.components[0].id not in design_of(at).by_id()
    assert [n["id"] for n in nodes(at)] == [c.id for c in d.components[1:]]


def test_edits_made_on_the_canvas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    first, conn = d.components[0], d.connections[0]
    send(at, {"type": "set_label", "block": first.id, "label": "Front door"},
         {"type": "set_fallback", "connection": conn.id, "fallback": True})
    after = design_of(at)
    assert after.by_id()[first.id].label == "Front door" and after.connections[0].fallback
    assert nodes(at)[0]["label"] == "Front door"
    send(at, {"type": "duplicate", "blocks": [first.id], "dx": 40, "dy": 40})
    copy = design_of(at).components[-1]
    assert (copy.kind, copy.label, copy.props) == (first.kind, "Front door", first.props)
    placed = [(c.position.x, c.position.y) for c in design_of(at).components[:-1]]
    assert all(abs(copy.position.x - x) >= 200 or abs(copy.position.y - y) >= 90 for x, y in placed)  # on none
    assert at.session_state[BoardKey.SELECTED.value] == copy.id  # the copy is the selection
    assert len(at.session_state[BoardKey.UNDO.value]) == 3  # one step of the history per event


def test_layout_of_a_selection_keeps_its_corner() -> None:
    d = load_file(DESIGNS / "video_recommendations.json")
    chosen = [c.id for c in d.components[1:4]]
    laid = layout_positions(d, chosen)
    assert set(laid) == set(chosen)
    by_id = d.by_id()
    assert min(x for x, _ in laid.values()) == min(by_id[b].position.x for b in chosen)
    assert min(y for _, y in laid.values()) == min(by_id[b].position.y for b in chosen)
    assert layout_positions(d, chosen[:1]) == auto_layout(d)  # one block: the whole design


def test_auto_layout_moves_blocks_and_is_undoable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    click(at, "board.btn.layout")
    laid = design_of(at)
    assert [(c.position.x, c.position.y) for c in laid.components] != [
        (c.position.x, c.position.y) for c in d.components]
    click(at, "board.btn.undo")
    assert design_of(at) == d
    # auto-layout asked from the canvas: of the selection (the others stay put), then of the whole design
    chosen = [c.id for c in d.components[:3]]
    send(at, {"type": "auto_layout", "blocks": chosen})
    part = design_of(at)
    assert [c.position for c in part.components[3:]] == [c.position for c in d.components[3:]]
    assert min(c.position.x for c in part.components[:3]) == min(c.position.x for c in d.components[:3])
    send(at, {"type": "auto_layout", "blocks": []})
    assert design_of(at) == edit.move_blocks(part, auto_layout(part))
    send(at, {"type": "undo"}, {"type": "undo"})
    assert design_of(at) == d


def test_undo_and_redo_every_edit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    states = [design_of(at)]
    for i, kind in enumerate(("cache", "api_gateway", "load_balancer")):
        add(at, kind, 300.0 * i, 0.0)
        states.append(design_of(at))
    for expected in reversed(states[:-1]):
        click(at, "board.btn.undo")
        assert design_of(at) == expected
    assert at.button(key="board.btn.undo").disabled
    for expected in states[1:]:
        click(at, "board.btn.redo")
        assert design_of(at) == expected
    assert at.button(key="board.btn.redo").disabled


def test_inputs_of_an_earlier_run_change_nothing() -> None:
    at = AppTest.from_string(
        "import streamlit as st\n"
        "from components.board import state as bs\n"
        "from mlsd import edit\n"
        "bs.init()\n"
        "old = bs.widget_key('board.insp', 'gw', 'label')\n"
        "st.write(old, bs.is_current(old))\n"
        "bs.commit(edit.rename(bs.design(), 'Another name'))\n"
        "st.write(bs.is_current(old), bs.is_current(bs.widget_key('board.insp', 'gw', 'label')))\n",
        default_timeout=30,
    )
    at.run()
    ok(at)
    assert [m.value for m in at.markdown] == ["board.insp@0.gw.label `True`", "`False` `True`"]
