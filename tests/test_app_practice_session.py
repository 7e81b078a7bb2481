"""The running practice session (AppTest through app.py): the interviewer's answers, notes per phase,
blocks and connections drawn and saved, a reload, leaving and continuing, discarding, an unknown session, and
the Board page's design put aside (each session its own board).

Time is driven through the domain: sessions are created in the library with a ``started_at`` in the past, so
nothing sleeps. The library is a temporary file (``MLSD_DB``); the session id travels in ``?session=ID``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.board.canvas import CANVAS_KEY
from components.board.owner import BOARD_OWNER, STASH_KEY
from components.board.state import BoardKey
from components.practice.run import PROMPT_HEIGHT, ask_key, note_key
from components.practice.state import PracticeKey
from mlsd.practice.phases import PHASE_BY_ID
from mlsd.practice.prompts import get_prompt
from mlsd.practice.session import current_phase, pause, with_design, with_note
from mlsd.store import open_store
from tests.board_apptest import canvas_args, ok
from tests.practice_apptest import (
    PROMPT,
    ROOT,
    clock_seconds,
    create,
    metric,
    open_practice,
    partial_design,
    started,
    stored,
    texts,
)


def test_the_interviewer_answers_a_question_once_asked(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    sid = create(tmp_db, started(minutes_ago=1))
    at = open_practice(monkeypatch, tmp_db, sid)
    prompt = get_prompt(PROMPT)
    shown = texts(at)
    for c in prompt.clarifications:
        assert c.question in [re.sub(r"\\(.)", r"\1", e.label).lstrip("❓ ") for e in at.expander]
        assert c.answer not in shown
    at.session_state[ask_key(1)] = True
    at.run()
    ok(at)
    shown = texts(at)
    assert prompt.clarifications[1].answer in shown
    assert prompt.clarifications[0].answer not in shown


def test_the_prompt_and_its_questions_scroll_in_a_framed_box(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    """Cut at 280 px, the questions below the prompt are out of sight: the frame shows that the box scrolls."""
    at = open_practice(monkeypatch, tmp_db, create(tmp_db, started(minutes_ago=1)))

    def boxes(node: Any) -> list[Any]:
        proto = getattr(node, "proto", None)
        own = [proto] if proto is not None and "pixel_height: " + str(PROMPT_HEIGHT) in str(proto) else []
        return own + [b for child in getattr(node, "children", {}).values() for b in boxes(child)]

    [box] = boxes(at._tree)
    assert box.flex_container.border


def test_notes_are_saved_per_phase_and_come_back(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    sid = create(tmp_db, started(minutes_ago=7))
    at = open_practice(monkeypatch, tmp_db, sid)
    at.text_area(key=note_key(sid, "requirements")).input("p99 100 ms, peak 5,000 TPS, fraud 0.17%").run()
    ok(at)
    at.text_area(key=note_key(sid, "framing")).input("Binary classification; PR-AUC offline").run()
    ok(at)
    notes = stored(tmp_db, sid).notes
    assert notes == {"requirements": "p99 100 ms, peak 5,000 TPS, fraud 0.17%",
                     "framing": "Binary classification; PR-AUC offline"}

    again = open_practice(monkeypatch, tmp_db, sid)  # a reload: a new tab on the same URL
    assert again.text_area(key=note_key(sid, "requirements")).value == notes["requirements"]
    assert again.text_area(key=note_key(sid, "framing")).value == notes["framing"]
    assert again.text_area(key=note_key(sid, "model")).value == ""


def test_a_block_added_from_the_palette_is_saved_with_the_session(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_db: Path) -> None:
    sid = create(tmp_db, started(minutes_ago=15))
    at = open_practice(monkeypatch, tmp_db, sid)
    at.session_state[CANVAS_KEY] = {"events": [{"id": "p1", "type": "add", "kind": "api_gateway", "x": 0, "y": 0}]}
    at.run()
    ok(at)
    design = stored(tmp_db, sid).design
    assert [c.kind for c in design.components] == ["api_gateway"]
    args = canvas_args(at)
    assert [n["id"] for n in args["graph"]["nodes"]] == [c.id for c in design.components]

    at.button(key="practice.board.undo").click().run()
    ok(at)
    assert stored(tmp_db, sid).design.components == []


def test_a_connection_drawn_on_the_canvas_is_saved(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    design = partial_design().model_copy(update={"connections": []})
    sid = create(tmp_db, with_design(started(minutes_ago=20), design))
    at = open_practice(monkeypatch, tmp_db, sid)
    at.session_state[CANVAS_KEY] = {"events": [{"id": "p1", "type": "connect", "source": "app", "target": "gw"}]}
    at.run()
    ok(at)
    conns = stored(tmp_db, sid).design.connections
    assert [(c.source, c.target, c.flow) for c in conns] == [("app", "gw", "request")]


def test_a_reload_restores_the_session_as_it_was(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    session = with_note(with_design(started(minutes_ago=25), partial_design()), "data", "chargebacks as labels")
    session = pause(session, datetime.now(UTC) - timedelta(minutes=2))
    sid = create(tmp_db, session)
    at = open_practice(monkeypatch, tmp_db, sid)
    assert at.query_params["session"] == sid
    assert at.session_state[BoardKey.DESIGN.value] == partial_design()
    args = canvas_args(at)
    assert sorted(n["id"] for n in args["graph"]["nodes"]) == sorted(c.id for c in partial_design().components)
    assert at.text_area(key=note_key(sid, "data")).value == "chargebacks as labels"
    assert "Paused" in texts(at)
    phase, left = current_phase(session, datetime.now(UTC))  # paused: the clock does not move
    assert f"· {PHASE_BY_ID[phase].label}" in texts(at)
    assert clock_seconds(metric(at, "Left in this phase")) == pytest.approx(left, abs=1)


def test_leaving_keeps_the_session_to_continue_from_the_prompt_list(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_db: Path) -> None:
    sid = create(tmp_db, started(minutes_ago=4))
    at = open_practice(monkeypatch, tmp_db, sid)
    at.button(key="practice.leave").click().run()
    ok(at)
    assert "session" not in at.query_params
    assert "Continue where you left off" in texts(at)
    at.button(key=f"practice.open.{sid}").click().run()
    ok(at)
    assert at.query_params["session"] == sid
    assert "Left in total" in [m.label for m in at.metric]


def test_an_abandoned_session_can_be_discarded(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    keep = create(tmp_db, started(minutes_ago=30, prompt="autocomplete"))
    drop = create(tmp_db, started(minutes_ago=4))
    at = open_practice(monkeypatch, tmp_db)
    at.button(key=f"practice.discard.{drop}").click().run()
    ok(at)
    with open_store(tmp_db) as store:
        assert [r.id for r in store.list_sessions()] == [keep]
    assert not [b for b in at.button if b.key == f"practice.open.{drop}"]
    assert [b for b in at.button if b.key == f"practice.open.{keep}"]


def test_an_unknown_session_says_so_and_leads_back(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    at = open_practice(monkeypatch, tmp_db, "nosuchsession")
    assert "There is no practice session 'nosuchsession'" in texts(at)
    at.button[0].click().run()
    ok(at)
    assert "session" not in at.query_params
    assert at.radio(key=PracticeKey.PICK.value).options


def test_the_board_page_design_is_put_aside_not_overwritten(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    sid = create(tmp_db, with_design(started(minutes_ago=2), partial_design()))
    monkeypatch.setenv("MLSD_DB", str(tmp_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/board.py").run()
    at.session_state[CANVAS_KEY] = {"events": [{"id": "b1", "type": "add", "kind": "drift_detector", "x": 0, "y": 0}]}
    at.run()
    ok(at)
    board_design = at.session_state[BoardKey.DESIGN.value]
    at.query_params["session"] = sid
    at.switch_page("pages/practice.py").run()
    ok(at)
    assert at.session_state[BoardKey.DESIGN.value] == partial_design()
    assert at.session_state[STASH_KEY][BOARD_OWNER][BoardKey.DESIGN.value] == board_design
    assert stored(tmp_db, sid).design == partial_design()


def test_a_second_practice_session_gets_its_own_board(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    first = create(tmp_db, with_design(started(minutes_ago=5), partial_design()))
    second = create(tmp_db, started(minutes_ago=1, prompt="autocomplete"))
    at = open_practice(monkeypatch, tmp_db, first)
    assert at.session_state[BoardKey.DESIGN.value] == partial_design()
    at.query_params["session"] = second
    at.run()
    ok(at)
    assert at.session_state[BoardKey.DESIGN.value].components == []
    assert [n["id"] for n in canvas_args(at)["graph"]["nodes"]] == []
    at.query_params["session"] = first
    at.run()
    ok(at)
    assert at.session_state[BoardKey.DESIGN.value] == partial_design()
    assert stored(tmp_db, second).design.components == []
