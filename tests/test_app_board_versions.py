"""The Board toolbar's History and Share buttons, driven by AppTest through app.py: they open the side panel on the
design's revisions (view, changes, restore) or its read-only links (create, revoke), beside the canvas; a design
not saved yet says how to start; Close, the same button again, or a block picked on the canvas brings the
findings, inspector and requirements back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.board.state import BoardKey
from mlsd import edit
from mlsd.store import open_store
from tests.board_apptest import add, click, design_of, ok, open_board, select, start_from


def side_tabs(at: AppTest) -> list[str]:
    """The labels of the side panel's tabs drawn (none while it shows the versions or the links)."""
    return [t.label for t in at.tabs if t.label in ("Findings", "Inspector", "Requirements")]


def side_texts(at: AppTest) -> str:
    return "\n".join(e.value for e in (*at.markdown, *at.caption, *at.info))


def saved_twice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[AppTest, str]:
    """The board with a template saved, changed (a cache added) and saved again: revisions 1 and 2."""
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "video_recommendations")
    click(at, "board.lib.save")
    add(at, "cache")
    click(at, "board.lib.save")
    with open_store(tmp_path / "library.db") as store:
        [item] = store.list_designs().items
    return at, item.id


def test_history_on_an_unsaved_design_says_to_save_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "video_recommendations")
    click(at, "board.btn.history")
    assert any("not in the library yet" in i.value for i in at.info)
    assert side_tabs(at) == []  # the side panel shows the history, not the findings / inspector tabs
    click(at, "board.btn.share")
    assert any("Save** the design first" in i.value for i in at.info)
    assert not [b for b in at.button if (b.key or "") == "share.create"]


def test_history_lists_the_revisions_newest_first_with_their_checks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at, design_id = saved_twice(monkeypatch, tmp_path)
    click(at, "board.btn.history")
    assert at.button(key="board.btn.history").proto.type == "primary"  # the button shows the panel is open
    keys = [b.key for b in at.button if (b.key or "").startswith("board.rev.view.")]
    assert keys == ["board.rev.view.2", "board.rev.view.1"]
    assert at.button(key="board.rev.restore.2").disabled and not at.button(key="board.rev.restore.1").disabled
    assert at.button(key="board.rev.changes.1").disabled and not at.button(key="board.rev.changes.2").disabled
    text = side_texts(at)
    assert "2 revisions of" in text and "saved from the board" in text and "checks passed" in text
    with open_store(tmp_path / "library.db") as store:
        first = store.history(design_id)[0]
    assert (f"⛔ {first.checks.errors} error" if first.checks.errors else "no errors") in text


def test_view_and_changes_open_a_dialog_beside_nothing_else(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, _ = saved_twice(monkeypatch, tmp_path)
    click(at, "board.btn.history")
    click(at, "board.rev.view.1")
    canvases = at.get("component_instance")
    assert len(canvases) == 2  # the board's canvas and revision 1 read-only on the same canvas
    assert any("Revision 1, saved" in c.value for c in at.caption)
    click(at, "board.rev.changes.2")
    assert any("What changed from revision 1 to revision 2" in c.value for c in at.caption)
    assert any("added" in m.value and "cache" in m.value.lower() for m in at.markdown)


def test_restore_saves_the_old_revision_again_and_opens_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, design_id = saved_twice(monkeypatch, tmp_path)
    with open_store(tmp_path / "library.db") as store:
        first = store.open(design_id, 1).design
    click(at, "board.btn.history")
    click(at, "board.rev.restore.1")
    assert design_of(at) == first
    assert at.session_state[BoardKey.DIRTY.value] is False
    with open_store(tmp_path / "library.db") as store:
        history = store.history(design_id)
    assert [r.number for r in history] == [1, 2, 3] and history[-1].message == "restored revision 1"
    assert any("revision 3" in c.value for c in at.caption)  # the toolbar's status: saved as revision 3
    # the next save is based on revision 3: no conflict
    add(at, "cache")
    click(at, "board.lib.save")
    assert not at.error


def test_restore_over_unsaved_changes_asks_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, _ = saved_twice(monkeypatch, tmp_path)
    add(at, "online_feature_store")
    edited = design_of(at)
    click(at, "board.btn.history")
    click(at, "board.rev.restore.1")
    assert design_of(at) == edited
    assert any("unsaved changes" in w.value for w in at.warning)


def test_share_creates_and_revokes_a_link_from_the_board(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, design_id = saved_twice(monkeypatch, tmp_path)
    click(at, "board.btn.share")
    click(at, "share.create")
    with open_store(tmp_path / "library.db") as store:
        [link] = store.list_shares(design_id)
    assert any(link.token in c.value for c in at.code)
    click(at, f"share.revoke.{link.id}")
    with open_store(tmp_path / "library.db") as store:
        assert store.list_shares(design_id) == []


def test_close_the_same_button_or_a_block_picked_brings_the_tabs_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at, _ = saved_twice(monkeypatch, tmp_path)
    click(at, "board.btn.history")
    assert side_tabs(at) == []
    click(at, "board.side.close")
    assert side_tabs(at) == ["Findings", "Inspector", "Requirements"]
    click(at, "board.btn.share")
    click(at, "board.btn.share")
    assert side_tabs(at) == ["Findings", "Inspector", "Requirements"]
    click(at, "board.btn.history")
    select(at, design_of(at).components[0].id)
    ok(at)
    assert side_tabs(at) and at.button(key="board.btn.history").proto.type != "primary"


def test_history_follows_a_design_renamed_and_saved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, design_id = saved_twice(monkeypatch, tmp_path)
    with open_store(tmp_path / "library.db") as store:
        store.save(design_id, edit.rename(design_of(at), "Renamed elsewhere"), base_revision=2)
    click(at, "board.btn.history")
    assert next(b.key for b in at.button if (b.key or "").startswith("board.rev.view.")) == "board.rev.view.3"


def test_one_revision_reads_one_revision(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "video_recommendations")
    click(at, "board.lib.save")
    click(at, "board.btn.history")
    text = side_texts(at)
    assert "1 revision of" in text and "1 revisions" not in text
