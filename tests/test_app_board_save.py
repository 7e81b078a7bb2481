"""Saving from the board to the library (AppTest through app.py): save and open, unsaved changes never lost
silently, a save conflict (a copy or their version), rename, save as."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.board.state import BoardKey
from mlsd import edit
from mlsd.store import open_store
from tests.board_apptest import (
    add,
    click,
    design_of,
    name_key,
    nodes,
    ok,
    open_board,
    send,
    start_from,
)


def test_save_open_and_unsaved_changes_are_never_lost_silently(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    send(at, {"type": "move", "positions": {d.components[0].id: [-500.0, 42.0]}})
    moved = design_of(at)
    click(at, "board.lib.save")
    assert at.session_state[BoardKey.DIRTY.value] is False
    with open_store(tmp_path / "library.db") as store:
        items = store.list_designs().items
        assert [i.name for i in items] == [d.name]
        assert store.open(items[0].id).design == moved
        design_id = items[0].id
    assert any("Saved" in c.value and "revision 1" in c.value for c in at.caption)
    # an unsaved edit, then "New": the board asks before discarding it
    add(at, "cache")
    edited = design_of(at)
    at.session_state["board.lib.new_pop"] = True
    at.run()
    click(at, "board.lib.blank")
    assert design_of(at) == edited
    assert any("unsaved changes" in w.value for w in at.warning)
    click(at, "board.lib.pending.cancel")
    assert design_of(at) == edited and not at.warning
    at.session_state["board.lib.new_pop"] = True
    at.run()
    click(at, "board.lib.blank")
    click(at, "board.lib.pending.ok")
    assert design_of(at).components == []
    # open the saved design from the library: as it was saved, positions included
    at.session_state["board.lib.open_pop"] = True
    at.run()
    click(at, f"board.lib.open.{design_id}")
    assert design_of(at) == moved
    assert at.session_state[BoardKey.DIRTY.value] is False
    first = nodes(at)[0]
    assert (first["x"], first["y"]) == (-500.0, 42.0)


def test_open_on_an_empty_library_points_to_the_examples(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    at.session_state["board.lib.open_pop"] = True
    at.run()
    ok(at)
    assert any("library is empty" in c.value and "example designs are under **New**" in c.value for c in at.caption)


def test_a_save_conflict_offers_a_copy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    click(at, "board.lib.save")
    with open_store(tmp_path / "library.db") as store:
        design_id = store.list_designs().items[0].id
        store.save(design_id, edit.rename(d, "Changed elsewhere"), base_revision=1)
    add(at, "cache")
    at.text_input(key=name_key(at)).set_value("Mine").run()  # renamed on both sides: a true conflict
    click(at, "board.lib.save")
    assert any("Merge with revision 2" in m.value for m in at.markdown)
    click(at, "board.lib.conflict.copy")
    with open_store(tmp_path / "library.db") as store:
        names = sorted(i.name for i in store.list_designs().items)
    assert names == sorted(["Changed elsewhere", "Mine (copy)"])
    assert design_of(at).name == "Mine (copy)"
    assert at.session_state[BoardKey.DIRTY.value] is False


def test_a_save_conflict_can_load_their_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    click(at, "board.lib.save")
    with open_store(tmp_path / "library.db") as store:
        design_id = store.list_designs().items[0].id
        store.save(design_id, edit.rename(d, "Theirs"), base_revision=1)
    add(at, "cache")
    at.text_input(key=name_key(at)).set_value("Mine").run()
    click(at, "board.lib.save")
    click(at, "board.lib.conflict.reload")
    assert design_of(at).name == "Mine"  # not yet: these changes are unsaved, so the board asks first
    assert any("unsaved changes" in w.value for w in at.warning)
    click(at, "board.lib.pending.ok")
    assert design_of(at).name == "Theirs"
    assert any("Saved · revision 2" in c.value for c in at.caption)
    with open_store(tmp_path / "library.db") as store:
        assert [i.revisions for i in store.list_designs().items] == [2]


def test_rename_the_design(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    at.text_input(key=name_key(at)).set_value("My ranking system").run()
    ok(at)
    assert design_of(at).name == "My ranking system"
    assert at.text_input(key=name_key(at)).value == "My ranking system"
    at.text_input(key=name_key(at)).set_value(" ").run()
    assert design_of(at).name == "My ranking system"
    assert any("name must not be blank" in e.value for e in at.error)


def test_save_as_makes_a_new_design_and_leaves_the_first_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "card_fraud_scoring")
    click(at, "board.lib.save")
    at.session_state["board.lib.save_as_pop"] = True
    at.run()
    at.text_input(key="board.lib.save_as").set_value("Fraud, second take")
    click(at, "board.lib.save_as_ok")
    ok(at)
    with open_store(tmp_path / "library.db") as store:
        assert sorted(i.name for i in store.list_designs().items) == sorted([d.name, "Fraud, second take"])
    assert design_of(at).name == "Fraud, second take"
    assert at.session_state[BoardKey.DIRTY.value] is False
