"""Two writers on one design, driven by AppTest through app.py: "theirs" is saved straight through the store API
while the board holds unsaved changes made from the same revision; then the board saves.

A clean merge is saved on top of their revision at once (message and toast say what came from which revision and
author) and the board shows the merged design; a true conflict opens the picker in the side panel: mine | theirs
per conflict, Save disabled until each is picked, Cancel leaves the board's design as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.board.state import BoardKey
from mlsd import edit
from mlsd.model import Design
from mlsd.store import open_store
from tests.board_apptest import click, design_of, open_board, send, start_from, unescape


def saved_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[AppTest, str, Design]:
    at = open_board(monkeypatch, tmp_path)
    design = start_from(at, "video_recommendations")
    click(at, "board.lib.save")
    with open_store(tmp_path / "library.db") as store:
        [item] = store.list_designs().items
    return at, item.id, design


def theirs(tmp_path: Path, design_id: str, design: Design, author: str = "ana") -> None:
    """Someone else saves a revision made from revision 1, through the store."""
    with open_store(tmp_path / "library.db") as store:
        store.save(design_id, design, base_revision=1, message="theirs", author=author)


def relabel(at: AppTest, block: str, label: str) -> None:
    send(at, {"type": "set_label", "block": block, "label": label})


def latest(tmp_path: Path, design_id: str) -> tuple[int, str, Design]:
    with open_store(tmp_path / "library.db") as store:
        rev = store.open(design_id)
    return rev.number, rev.message, rev.design


def merge_radios(at: AppTest) -> list[str]:
    return [r.key for r in at.radio if (r.key or "").startswith("board.merge.pick.")]


def test_a_save_over_someone_elses_merges_and_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, design_id, d = saved_once(monkeypatch, tmp_path)
    first, second = d.components[0].id, d.components[1].id
    theirs(tmp_path, design_id, edit.set_label(d, first, "Their label"))
    relabel(at, second, "My label")
    click(at, "board.lib.save")
    number, message, merged = latest(tmp_path, design_id)
    assert number == 3
    assert message == ("saved from the board; merged 1 change from revision 2 by ana with 1 change from the board")
    by_id = merged.by_id()
    assert (by_id[first].label, by_id[second].label) == ("Their label", "My label")
    assert design_of(at) == merged  # the canvas shows the merged design
    assert at.session_state[BoardKey.DIRTY.value] is False
    assert any("Saved · revision 3" in c.value for c in at.caption)
    toasts = [unescape(t.value) for t in at.toast]
    assert "Merged 1 change from revision 2 by ana with yours; saved as revision 3." in toasts, toasts
    assert merge_radios(at) == []


def test_a_true_conflict_is_picked_side_by_side_then_saved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, design_id, d = saved_once(monkeypatch, tmp_path)
    first, second = d.components[0].id, d.components[1].id
    theirs(tmp_path, design_id, edit.set_label(d, first, "Their label"))
    relabel(at, first, "My label")
    relabel(at, second, "Only mine")
    click(at, "board.lib.save")
    assert latest(tmp_path, design_id)[0] == 2  # nothing saved yet
    assert any("Merge with revision 2 by ana" in unescape(m.value) for m in at.markdown)
    assert any(f"block '{first}' label" in unescape(m.value) for m in at.markdown)
    texts = [t.value for t in at.text]
    assert "My label" in texts and "Their label" in texts
    [key] = merge_radios(at)
    assert at.radio(key=key).value is None  # nothing picked for the person
    assert at.button(key="board.merge.save").disabled
    assert any("1 conflict left to pick" in c.value for c in at.caption)
    at.radio(key=key).set_value("mine").run()
    assert not at.button(key="board.merge.save").disabled
    click(at, "board.merge.save")
    number, message, merged = latest(tmp_path, design_id)
    assert number == 3 and "1 conflict picked (1 mine)" in message
    by_id = merged.by_id()
    assert (by_id[first].label, by_id[second].label) == ("My label", "Only mine")
    assert design_of(at) == merged and at.session_state[BoardKey.DIRTY.value] is False
    assert merge_radios(at) == []


def test_picking_theirs_keeps_a_block_they_changed_and_i_deleted(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    at, design_id, d = saved_once(monkeypatch, tmp_path)
    block = d.components[1].id
    theirs(tmp_path, design_id, edit.set_label(d, block, "Still needed"))
    send(at, {"type": "remove", "blocks": [block]})
    click(at, "board.lib.save")
    [key] = merge_radios(at)
    assert any("You deleted this block; they changed its label." in unescape(c.value) for c in at.caption)
    at.radio(key=key).set_value("theirs").run()
    click(at, "board.merge.save")
    number, _, merged = latest(tmp_path, design_id)
    assert number == 3 and merged.by_id()[block].label == "Still needed"
    assert {e.id for e in merged.connections} == {e.id for e in d.connections}  # its connections came back


def test_cancel_keeps_the_unsaved_design_and_saves_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, design_id, d = saved_once(monkeypatch, tmp_path)
    first = d.components[0].id
    theirs(tmp_path, design_id, edit.set_label(d, first, "Their label"))
    relabel(at, first, "My label")
    mine = design_of(at)
    click(at, "board.lib.save")
    assert merge_radios(at)
    click(at, "board.merge.cancel")
    assert merge_radios(at) == []
    assert design_of(at) == mine and at.session_state[BoardKey.DIRTY.value] is True
    assert latest(tmp_path, design_id)[0] == 2
    assert any("Unsaved changes (based on revision 1)" in c.value for c in at.caption)
