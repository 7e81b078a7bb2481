"""The Board's Comments tab and what comes with it, driven by AppTest through app.py: a thread on the selected
block, a reply, resolve and reopen; comments badges on the canvas; a badge click opens the tab; refused text
changes nothing; the History panel's Activity list; share links with an expiry and "show comments"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.board.comments import ANCHOR_KEY, NEW_KEY
from components.board.state import BoardKey
from mlsd.store import open_store
from tests.board_apptest import (
    canvas_args,
    click,
    design_of,
    ok,
    open_board,
    panel,
    select,
    send,
    shown_texts,
    start_from,
    unescape,
)


def saved_board(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[AppTest, str]:
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "video_recommendations")
    click(at, "board.lib.save")
    with open_store(tmp_path / "library.db") as store:
        [item] = store.list_designs().items
    return at, item.id


def comment(at: AppTest, text: str) -> None:
    at.text_area(key=NEW_KEY).set_value(text)
    click(at, "board.comments.add")


def texts(at: AppTest) -> str:
    return unescape("\n".join(shown_texts(at)))


def errors(at: AppTest) -> str:
    return unescape("\n".join(e.value for e in at.error))


def test_an_unsaved_design_says_to_save_before_commenting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "video_recommendations")
    panel(at, "Comments")
    assert any("Save** the design first" in i.value for i in at.info)
    assert not [b for b in at.button if (b.key or "") == "board.comments.add"]


def test_comment_on_the_selected_block_reply_resolve_and_reopen(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    at, design_id = saved_board(monkeypatch, tmp_path)
    block = design_of(at).components[1]
    select(at, block.id)
    panel(at, "Comments")
    assert at.session_state[ANCHOR_KEY] == f"block:{block.id}"  # the anchor follows the canvas selection
    comment(at, "Is one replica enough here?")
    assert "Is one replica enough here?" in texts(at) and "1 open thread" in texts(at)
    assert at.text_area(key=NEW_KEY).value == ""
    assert canvas_args(at)["badges"][block.id]["comments"] == 1
    with open_store(tmp_path / "library.db") as store:
        [thread] = store.threads(design_id)
    assert (thread.anchor_kind, thread.anchor, thread.revision, thread.author) == ("block", block.id, 1, "local")
    at.text_input(key=f"board.comments.reply.{thread.id}").set_value("Two, behind the gateway.")
    click(at, f"board.comments.send.{thread.id}")
    assert "Two, behind the gateway." in texts(at)
    click(at, f"board.comments.resolve.{thread.id}")
    assert "**0 open threads** · 1 resolved" in texts(at)
    assert "comments" not in canvas_args(at)["badges"].get(block.id, {})
    at.toggle(key="board.comments.resolved").set_value(True).run()
    click(at, f"board.comments.reopen.{thread.id}")
    assert "1 open thread" in texts(at) and canvas_args(at)["badges"][block.id]["comments"] == 1


def test_a_comment_on_a_connection_badges_the_connection_and_a_badge_click_opens_the_tab(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at, _ = saved_board(monkeypatch, tmp_path)
    edge = design_of(at).connections[0]
    at.session_state[BoardKey.SELECTED.value] = edge.id  # picked in the inspector
    panel(at, "Comments")
    assert at.session_state[ANCHOR_KEY] == f"connection:{edge.id}"
    comment(at, "Should this be a stream?")
    assert canvas_args(at)["badges"][edge.id]["comments"] == 1
    panel(at, "Findings")
    send(at, {"type": "comments", "block": edge.id})
    assert at.session_state[BoardKey.PANEL.value] == "Comments"
    assert at.session_state[BoardKey.SELECTED.value] == edge.id
    assert "Should this be a stream?" in texts(at)


def test_refused_text_shows_why_and_writes_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, design_id = saved_board(monkeypatch, tmp_path)
    panel(at, "Comments")
    comment(at, "ring the bell\x07 now")
    assert "control characters (U+0007 at character 14)" in errors(at)
    comment(at, "   ")
    assert "cannot be empty" in errors(at)
    with open_store(tmp_path / "library.db") as store:
        assert store.threads(design_id) == []
    comment(at, "<b>bold?</b> fine")  # HTML is text
    assert "<b>bold?</b> fine" in texts(at) and not at.error


def test_hostile_text_in_the_panel_is_refused_or_shown_as_typed(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    at, design_id = saved_board(monkeypatch, tmp_path)
    panel(at, "Comments")
    comment(at, "bidi \u202eevil")
    assert "U+202E" in errors(at)
    with open_store(tmp_path / "library.db") as store:
        assert store.threads(design_id) == []
    hostile = "<img src=x onerror=alert(1)> <script>alert(2)</script> :red[not red]"
    comment(at, hostile)
    with open_store(tmp_path / "library.db") as store:
        [thread] = store.threads(design_id)
    comment(at, "x" * 10_001)  # the box stops at 10,000 characters (the store refuses more: tests/test_comments.py)
    with open_store(tmp_path / "library.db") as store:
        assert [len(t.comments[0].body) for t in store.threads(design_id)] == [len(hostile), 10_000]
    reply_key = f"board.comments.reply.{thread.id}"
    for refused, why in (("nul\x00", "U+0000"), ("esc \x1b[31mred", "U+001B"), ("c1 \x85 inside", "U+0085")):
        at.text_input(key=reply_key).set_value(refused)
        click(at, f"board.comments.send.{thread.id}")
        assert why in errors(at)
    with open_store(tmp_path / "library.db") as store:
        assert [len(t.comments) for t in store.threads(design_id)] == [1, 1]
    at.text_input(key=reply_key).set_value("<b>reply</b> <style>*{display:none}</style>")
    click(at, f"board.comments.send.{thread.id}")
    assert not at.error
    shown = texts(at)
    assert hostile in shown and "<b>reply</b> <style>*{display:none}</style>" in shown
    raw = [m.value for m in at.markdown if "img src" in m.value or "style" in m.value]
    assert len(raw) == 2 and all("\\<" in v for v in raw)  # escaped: Markdown shows the tags as text


def test_a_block_added_after_the_save_asks_to_save_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, design_id = saved_board(monkeypatch, tmp_path)
    send(at, {"type": "add", "kind": "cache", "x": 900.0, "y": 500.0})
    new_block = design_of(at).components[-1].id
    panel(at, "Comments")
    at.selectbox(key=ANCHOR_KEY).set_value(f"block:{new_block}").run()
    comment(at, "About the cache")
    assert "the block is not in the saved revision yet; save the design, then comment on it" in errors(at)
    with open_store(tmp_path / "library.db") as store:
        assert store.threads(design_id) == []


def test_the_history_panel_lists_the_activity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, _ = saved_board(monkeypatch, tmp_path)
    send(at, {"type": "add", "kind": "cache", "x": 900.0, "y": 500.0})
    click(at, "board.lib.save")
    click(at, "board.btn.history")
    shown = [m.value for m in at.markdown if "UTC" in m.value]
    assert len(shown) == 2 and "saved" in shown[0] and "created the design" in shown[1]
    assert "Activity" in "\n".join(m.value for m in at.markdown)


def test_a_share_link_with_an_expiry_and_comments(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at, design_id = saved_board(monkeypatch, tmp_path)
    click(at, "board.btn.share")
    at.selectbox(key="share.expiry").set_value("7 days")
    at.checkbox(key="share.comments").check()
    click(at, "share.create")
    with open_store(tmp_path / "library.db") as store:
        [link] = store.list_shares(design_id)
        [entry] = [e for e in store.audit(design_id) if e.action == "share.create"]
    assert link.show_comments and link.expires_at is not None
    until = datetime.fromisoformat(link.expires_at)
    assert timedelta(days=6, hours=23) < until - datetime.now(UTC) <= timedelta(days=7)
    assert entry.actor == "local" and "shows comments" in entry.detail
    assert any("expires" in c.value and "shows comments" in c.value for c in at.caption)
    ok(at)
