"""The Board notices a newer revision of its design in the library (AppTest through app.py; the newer revision is
written through another store handle, as a restore in History, another tab or another person would): the status
line says which revision, what made it, who and when; Load it puts it on the board (asking first when the board
has unsaved changes); Keep editing leaves a reminder and the next save merges."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.board.freshness import ago, made
from components.board.state import BoardKey, LibraryDoc
from mlsd.store import RevisionInfo, open_store
from mlsd.store.records import CheckSummary
from tests.board_apptest import click, design_of, open_board, send, start_from, unescape


def status(at: AppTest) -> str:
    """The captions as read: colour and bold markup taken out."""
    text = "\n".join(unescape(e.value) for e in at.caption)
    return re.sub(r":blue\[(.*?)\]$", r"\1", text.replace("**", ""), flags=re.M)


def at_revision_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[AppTest, str]:
    """A design saved twice from the board (revision 1: the example; revision 2: a block renamed)."""
    at = open_board(monkeypatch, tmp_path)
    design = start_from(at, "video_recommendations")
    click(at, "board.lib.save")
    send(at, {"type": "set_label", "block": design.components[0].id, "label": "Renamed in revision 2"})
    click(at, "board.lib.save")
    doc = at.session_state[BoardKey.DOC.value]
    assert isinstance(doc, LibraryDoc) and doc.revision == 2
    assert "Saved · revision 2" in status(at) and "newer" not in status(at)
    return at, doc.design_id


def restore_1(tmp_path: Path, design_id: str) -> None:
    with open_store(tmp_path / "library.db") as store:
        assert store.restore_revision(design_id, 1, author="ana").number == 3


def labels(at: AppTest) -> set[str]:
    return {c.label for c in design_of(at).components}


def test_a_newer_revision_is_named_and_load_puts_it_on_the_board(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    at, design_id = at_revision_2(monkeypatch, tmp_path)
    restore_1(tmp_path, design_id)
    at.run()
    assert "Saved · revision 2 · Revision 3 in the library is newer (restored by ana, just now)" in status(at)
    assert "Renamed in revision 2" in labels(at)  # nothing changed on the board by itself
    click(at, "board.newer.load")
    doc = at.session_state[BoardKey.DOC.value]
    assert doc.revision == 3 and not at.session_state[BoardKey.DIRTY.value]
    assert "Renamed in revision 2" not in labels(at)  # revision 1's design, restored
    assert "Saved · revision 3" in status(at) and "newer" not in status(at)
    assert not [b for b in at.button if b.key == "board.newer.load"]


def test_load_with_unsaved_changes_asks_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, design_id = at_revision_2(monkeypatch, tmp_path)
    block = design_of(at).components[1].id
    send(at, {"type": "set_label", "block": block, "label": "Unsaved edit"})
    restore_1(tmp_path, design_id)
    at.run()
    assert "Unsaved changes (based on revision 2) · Revision 3 in the library is newer" in status(at)
    click(at, "board.newer.load")
    assert "Unsaved edit" in labels(at)  # not gone: asked
    [warning] = [w.value for w in at.warning if "unsaved changes" in w.value]
    assert "revision 3" in warning and "discard them?" in warning
    click(at, "board.lib.pending.cancel")  # keep editing: nothing changes
    assert "Unsaved edit" in labels(at) and at.session_state[BoardKey.DOC.value].revision == 2
    click(at, "board.newer.load")
    click(at, "board.lib.pending.ok")  # now discard them, knowingly
    assert "Unsaved edit" not in labels(at) and at.session_state[BoardKey.DOC.value].revision == 3


def test_keep_editing_leaves_a_reminder_and_the_next_save_merges(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    at, design_id = at_revision_2(monkeypatch, tmp_path)
    block = design_of(at).components[1].id
    send(at, {"type": "set_label", "block": block, "label": "Kept edit"})
    restore_1(tmp_path, design_id)
    at.run()
    click(at, "board.newer.keep")
    assert "the library has revision 3: your next save merges with it" in status(at)
    assert not [b for b in at.button if (b.key or "").startswith("board.newer.")]
    click(at, "board.lib.save")
    assert at.session_state[BoardKey.DOC.value].revision == 4 and "Kept edit" in labels(at)
    assert "Saved · revision 4" in status(at) and "newer" not in status(at) and "library has" not in status(at)
    with open_store(tmp_path / "library.db") as store:
        store.restore_revision(design_id, 2, author="ana")  # a later revision shows the note again
    at.run()
    assert "Revision 5 in the library is newer" in status(at)


def test_what_made_a_revision_reads_as_words() -> None:
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert ago("2026-05-01T11:59:30.000000Z", now) == "just now"
    assert ago("2026-05-01T11:58:00.000000Z", now) == "2 min ago"
    assert ago("2026-05-01T09:00:00.000000Z", now) == "3 h ago"
    assert ago("2026-04-29T12:00:00.000000Z", now) == "2 days ago"
    assert ago("not a time", now) == "not a time"

    def info(message: str, author: str | None) -> RevisionInfo:
        return RevisionInfo("d", 3, "2026-05-01T11:58:00.000000Z", message, author, "x", CheckSummary())

    assert made(info("restored revision 1", "local"), now) == "restored by local, 2 min ago"
    assert made(info("saved from the board", "Ana Lopez <ana@x.org>"), now) == "saved by Ana Lopez, 2 min ago"
    assert made(info("", None), now) == "saved by someone, 2 min ago"
