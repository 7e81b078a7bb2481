"""Who else has the design open, on the Board's toolbar (AppTest through app.py; the other people are written
straight into the store, as their own sessions' heartbeats would)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.board.presence import SESSION_KEY, editing_line, initials
from components.common.identity import LOCAL
from mlsd.store import LOCAL_ACTOR, open_store
from tests.board_apptest import click, open_board, start_from, unescape


def presence_text(at: AppTest) -> str:
    return "\n".join(unescape(e.value) for e in (*at.caption, *at.markdown))


def saved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[AppTest, str]:
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "video_recommendations")
    click(at, "board.lib.save")
    with open_store(tmp_path / "library.db") as store:
        [item] = store.list_designs().items
    return at, item.id


def test_an_unsaved_design_has_no_presence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "video_recommendations")
    assert SESSION_KEY not in at.session_state  # no heartbeat, no id
    assert "editing" not in presence_text(at)


def test_the_board_shows_who_else_is_editing_and_is_seen_by_them(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    at, design_id = saved(monkeypatch, tmp_path)
    assert "editing" not in presence_text(at)  # alone
    me = at.session_state[SESSION_KEY]
    with open_store(tmp_path / "library.db") as store:
        [seen] = store.present(design_id, "someone else")
        assert seen.session_id == me and seen.who == "local"  # not signed in: the local user, as in revisions
        assert store.history(design_id)[0].author == seen.who == LOCAL.name == LOCAL_ACTOR.author
        store.touch_presence(design_id, "Ana Lopez", "s-ana")
    at.run()
    text = presence_text(at)
    assert "Ana Lopez is editing" in text and "AL · Ana Lopez" in text
    with open_store(tmp_path / "library.db") as store:
        store.touch_presence(design_id, "ben", "s-ben")
        store.touch_presence(design_id, "ben", "s-ben-2")  # a second tab of ben's: one name
    at.run()
    assert "Ana Lopez and ben are editing" in presence_text(at)
    with open_store(tmp_path / "library.db") as store:
        store.leave_presence("s-ana")
        store.leave_presence("s-ben")
        store.leave_presence("s-ben-2")
    at.run()
    assert "editing" not in presence_text(at)


def test_names_are_shown_as_text(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, design_id = saved(monkeypatch, tmp_path)
    with open_store(tmp_path / "library.db") as store:
        store.touch_presence(design_id, "<b>**x**</b>", "s-x")
    at.run()
    [line] = [c.value for c in at.caption if "editing" in c.value]
    assert unescape(line) == "<b>**x**</b> is editing" and line.startswith("\\<b\\>\\*\\*")  # escaped Markdown


def test_editing_line_and_initials() -> None:
    assert editing_line(["ana"]) == "ana is editing"
    assert editing_line(["ana", "ben"]) == "ana and ben are editing"
    assert editing_line(["ana", "ben", "cy"]) == "ana, ben and cy are editing"
    assert editing_line(["a", "b", "c", "d"]) == "a, b, c and 1 other are editing"
    assert editing_line(["a", "b", "c", "d", "e"]) == "a, b, c and 2 others are editing"
    assert [initials(n) for n in ("Ana Lopez", "ana@example.com", "local", "ß", "")] == [
        "AL", "AE", "LO", "SS", "?"]
