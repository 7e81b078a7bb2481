"""The practice page driven by Streamlit's AppTest through app.py: pick a prompt, run a timed session, take
notes, draw, pause and resume, reload, finish, adjust the pre-filled rubric, confirm.

Time is driven through the domain: sessions are created in the library with a ``started_at`` in the past, so
nothing sleeps. The library is a temporary file (``MLSD_DB``); the session id travels in ``?session=ID``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.board.canvas import CANVAS_KEY
from components.board.owner import BOARD_OWNER, STASH_KEY
from components.board.state import BoardKey
from components.practice.actions import grade_key
from components.practice.run import ask_key, note_key
from components.practice.state import PracticeKey
from mlsd.formats.dot import to_dot
from mlsd.io import load_file
from mlsd.model import Design
from mlsd.practice.grading import prefill
from mlsd.practice.phases import PHASE_BY_ID, PHASE_IDS
from mlsd.practice.prompts import DIFFICULTIES, all_prompts, filter_prompts, get_prompt
from mlsd.practice.rubric import DIMENSION_BY_ID, DIMENSION_IDS, level_name, total_score
from mlsd.practice.session import (
    PracticeSession,
    current_phase,
    from_state,
    pause,
    start,
    time_left,
    to_state,
    with_design,
    with_note,
)
from mlsd.store import open_store
from tests.conftest import design_of

ROOT = Path(__file__).resolve().parent.parent
PROMPT = "card_fraud"


# -- helpers ------------------------------------------------------------------------------------------------


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def open_practice(monkeypatch: pytest.MonkeyPatch, db: Path, session: str | None = None) -> AppTest:
    """The app on the practice page (a fresh browser tab: a new AppTest), with ``?session=`` when given."""
    monkeypatch.setenv("MLSD_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if session is not None:
        at.query_params["session"] = session
    at.run()
    at.switch_page("pages/practice.py").run()
    ok(at)
    return at


def stored(db: Path, sid: str) -> PracticeSession:
    with open_store(db) as store:
        return from_state(store.get_session(sid).state)


def create(db: Path, session: PracticeSession) -> str:
    with open_store(db) as store:
        return store.start_session(session.prompt_id, state=to_state(session)).id


def started(minutes_ago: float, prompt: str = PROMPT, total: float | None = None) -> PracticeSession:
    return start(prompt, datetime.now(UTC) - timedelta(minutes=minutes_ago), total)


def texts(at: AppTest) -> str:
    """Every Markdown, caption, info and error text of the page, with Markdown escapes removed."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info] + \
            [e.value for e in at.error] + [w.value for w in at.warning]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def clock_seconds(value: str) -> int:
    sign = -1 if value.startswith("-") else 1
    parts = [int(p) for p in value.lstrip("-").split(":")]
    seconds = 0
    for p in parts:
        seconds = seconds * 60 + p
    return sign * seconds


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return str(found[0])


def canvas_args(at: AppTest) -> dict[str, Any]:
    """What Python last sent the canvas (the whiteboard component is an UnknownElement in AppTest)."""
    elements = at.get("component_instance")
    assert len(elements) == 1
    args: dict[str, Any] = json.loads(elements[0].proto.json_args)
    return args


def partial_design() -> Design:
    """A partial fraud answer: a client, a gateway and a GBDT scorer behind it, with the SLA declared."""
    return design_of(
        [
            {"id": "app", "kind": "client", "label": "Payment terminal"},
            {"id": "gw", "kind": "api_gateway", "label": "Auth gateway"},
            {"id": "score", "kind": "online_inference", "label": "Fraud scorer"},
            {"id": "model", "kind": "gbdt", "label": "Fraud GBDT"},
        ],
        [
            {"id": "c1", "source": "app", "target": "gw", "flow": "request"},
            {"id": "c2", "source": "gw", "target": "score", "flow": "request"},
            {"id": "c3", "source": "score", "target": "model", "flow": "request"},
        ],
        name="My fraud answer",
        requirements={"sla_p99_ms": 100},
    )


# -- picking a prompt ---------------------------------------------------------------------------------------


def test_picker_lists_every_prompt_and_filters_by_topic_and_difficulty(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_db: Path) -> None:
    at = open_practice(monkeypatch, tmp_db)
    assert [o for o in at.radio(key=PracticeKey.PICK.value).options] == [p.title for p in all_prompts()]

    at.selectbox(key=PracticeKey.TOPIC.value).set_value("fraud").run()
    ok(at)
    assert at.radio(key=PracticeKey.PICK.value).options == [p.title for p in filter_prompts("fraud")]

    at.selectbox(key=PracticeKey.TOPIC.value).set_value("recsys").run()
    at.session_state[PracticeKey.DIFFICULTY.value] = "easy"
    at.run()
    ok(at)
    expected = [p.title for p in filter_prompts("recsys", "easy")]
    assert expected and at.radio(key=PracticeKey.PICK.value).options == expected

    # a combination with no prompt says what to do instead
    empty = next((t, d) for t in ("fraud", "ads", "graph") for d in DIFFICULTIES if not filter_prompts(t, d))
    at.selectbox(key=PracticeKey.TOPIC.value).set_value(empty[0]).run()
    at.session_state[PracticeKey.DIFFICULTY.value] = empty[1]
    at.run()
    ok(at)
    assert not at.radio
    assert "No prompt has this topic at this difficulty" in texts(at)


def test_the_chosen_prompt_is_shown_with_its_difficulty_topics_and_text(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_db: Path) -> None:
    at = open_practice(monkeypatch, tmp_db)
    prompt = get_prompt(PROMPT)
    at.radio(key=PracticeKey.PICK.value).set_value(prompt.id).run()
    ok(at)
    shown = texts(at)
    assert prompt.title in [re.sub(r"\\(.)", r"\1", s.value) for s in at.subheader]
    assert " ".join(prompt.prompt.split()) in shown
    assert prompt.difficulty in shown
    assert f"{len(prompt.clarifications)} clarifying questions" in shown
    # the numbers are what the candidate must ask for: the picker does not give them away
    assert prompt.clarifications[0].answer not in shown


def test_start_opens_a_timed_session_saved_in_the_library(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    at = open_practice(monkeypatch, tmp_db)
    at.radio(key=PracticeKey.PICK.value).set_value(PROMPT).run()
    at.number_input(key=PracticeKey.TOTAL.value).set_value(10.0).run()
    at.button(key="practice.start").click().run()
    ok(at)
    sid = at.query_params["session"]
    assert isinstance(sid, str) and sid
    session = stored(tmp_db, sid)
    assert session.prompt_id == PROMPT
    assert session.total_minutes == pytest.approx(10.0)
    assert not session.finished and not session.paused
    shown = texts(at)
    assert f"Phase 1 of {len(PHASE_IDS)} · {PHASE_BY_ID['requirements'].label}" in shown
    assert 0 < clock_seconds(metric(at, "Left in total")) <= 600
    assert clock_seconds(metric(at, "Left in this phase")) <= session.budgets["requirements"] * 60 + 1


# -- the running session ------------------------------------------------------------------------------------


def test_the_clock_shows_the_current_phase_and_the_time_left(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    session = started(minutes_ago=12)
    sid = create(tmp_db, session)
    before = datetime.now(UTC)
    at = open_practice(monkeypatch, tmp_db, sid)
    after = datetime.now(UTC)
    phase, _ = current_phase(session, before)
    assert current_phase(session, after)[0] == phase
    shown = texts(at)
    number = PHASE_IDS.index(phase) + 1
    assert f"Phase {number} of {len(PHASE_IDS)} · {PHASE_BY_ID[phase].label}" in shown
    left = clock_seconds(metric(at, "Left in this phase"))
    assert current_phase(session, after)[1] - 1 <= left <= current_phase(session, before)[1] + 1
    total = clock_seconds(metric(at, "Left in total"))
    assert time_left(session, after) - 1 <= total <= time_left(session, before) + 1
    assert "Running" in shown


def test_overtime_is_shown_once_the_budget_is_used(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    sid = create(tmp_db, started(minutes_ago=3, total=2))
    at = open_practice(monkeypatch, tmp_db, sid)
    over = clock_seconds(metric(at, "Over time by"))
    assert 55 <= over <= 65
    assert f"Phase {len(PHASE_IDS)} of {len(PHASE_IDS)}" in texts(at)


def test_pause_freezes_the_clock_and_resume_starts_it_again(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    sid = create(tmp_db, started(minutes_ago=6))
    at = open_practice(monkeypatch, tmp_db, sid)
    at.button(key="practice.pause").click().run()
    ok(at)
    paused = stored(tmp_db, sid)
    assert paused.paused
    assert "Paused" in texts(at)
    assert not [b for b in at.button if b.key == "practice.pause"]
    frozen = metric(at, "Left in total")
    assert clock_seconds(frozen) == pytest.approx(time_left(paused, datetime.now(UTC)), abs=1)

    at.button(key="practice.resume").click().run()
    ok(at)
    resumed = stored(tmp_db, sid)
    assert not resumed.paused and len(resumed.pauses) == 1 and resumed.pauses[0].end is not None
    assert "Running" in texts(at)


def test_the_session_length_can_change_during_the_session(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    sid = create(tmp_db, started(minutes_ago=1))
    at = open_practice(monkeypatch, tmp_db, sid)
    at.number_input(key=f"practice.total.{sid}").set_value(30.0).run()
    ok(at)
    session = stored(tmp_db, sid)
    assert session.total_minutes == pytest.approx(30.0)
    assert clock_seconds(metric(at, "Left in total")) <= 30 * 60 - 60 + 1


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


# -- finishing and grading ----------------------------------------------------------------------------------


def finished_session(monkeypatch: pytest.MonkeyPatch, db: Path) -> tuple[AppTest, str, PracticeSession]:
    notes = {"requirements": "Inline scoring within 100 ms p99 at 5,000 TPS peak; fraud rate 0.17%."}
    session = with_note(with_design(started(minutes_ago=40), partial_design()), "requirements",
                        notes["requirements"])
    sid = create(db, session)
    at = open_practice(monkeypatch, db, sid)
    at.button(key="practice.finish").click().run()
    ok(at)
    return at, sid, stored(db, sid)


def test_finish_shows_the_rubric_pre_filled_with_reasons(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    at, sid, session = finished_session(monkeypatch, tmp_db)
    assert session.finished and not session.confirmed
    prompt = get_prompt(PROMPT)
    notes = {str(k): v for k, v in session.notes.items()}
    expected = prefill(partial_design(), prompt, load_file(ROOT / prompt.reference), notes)
    assert [g.dimension for g in session.grades] == list(DIMENSION_IDS)
    assert [g.level for g in session.grades] == [g.level for g in expected]
    assert [g.reasons for g in session.grades] == [g.reasons for g in expected]
    shown = texts(at)
    for g in expected:
        slider = at.select_slider(key=grade_key(sid, g.dimension))
        assert slider.value == g.level
        assert slider.label == DIMENSION_BY_ID[g.dimension].label
        for reason in g.reasons:
            assert " ".join(reason.split()) in shown
    assert metric(at, "Total score if you confirm") == f"{total_score(expected):.0f}/100"
    # a partial answer: the grading names what it lacks, and a model without a baseline is not "very strong"
    assert any("Lacks" in r for g in expected for r in g.reasons)
    assert min(g.level for g in expected) < 4


def test_finish_shows_the_comparison_with_the_reference(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    at, _, session = finished_session(monkeypatch, tmp_db)
    prompt = get_prompt(PROMPT)
    reference = load_file(ROOT / prompt.reference)
    charts = [c.proto.spec for c in at.get("graphviz_chart")]
    assert charts == [to_dot(session.design), to_dot(reference)]
    shown = texts(at)
    assert "Key blocks you have" in shown and "Key blocks you lack" in shown
    assert "✅ " in shown and "GBDT" in shown  # the candidate's model is one of the key blocks
    # requirements against the prompt: the declared SLA matches, the peak is not declared
    table = at.dataframe[0].value
    rows = {r["Requirement"]: r for r in table.to_dict("records")}
    assert rows["SLA"]["You declared"] == "100 ms" and "matches" in rows["SLA"][""]
    assert rows["peak"]["You declared"] == "not declared"
    assert "Latency:" in shown and "Capacity:" in shown


def test_adjusting_a_level_keeps_the_pre_fill_and_confirm_saves_everything(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_db: Path) -> None:
    at, sid, session = finished_session(monkeypatch, tmp_db)
    first = session.grades[0]
    new_level = 4 if first.level != 4 else 1
    at.select_slider(key=grade_key(sid, first.dimension)).set_value(new_level).run()
    ok(at)
    adjusted = stored(tmp_db, sid)
    assert adjusted.grades[0].level == new_level and adjusted.grades[0].prefill_level == first.level
    assert not adjusted.confirmed

    at.button(key="practice.confirm").click().run()
    ok(at)
    with open_store(tmp_db) as store:
        record = store.get_session(sid)
        confirmed = from_state(record.state)
        assert confirmed.confirmed
        assert record.finished_at is not None
        total = total_score(confirmed.grades)
        assert record.scores is not None and record.scores["total"] == pytest.approx(round(total, 1))
        assert record.scores["levels"][first.dimension] == new_level
        assert record.rubric is not None and len(record.rubric["grades"]) == len(DIMENSION_IDS)
        assert record.design_id is not None
        saved = store.open(record.design_id).design
    assert [c.id for c in saved.components] == [c.id for c in partial_design().components]
    assert get_prompt(PROMPT).title in saved.name
    shown = texts(at)
    assert metric(at, "Total score") == f"{total:.0f}/100"
    assert f"{level_name(new_level)} (pre-filled: {level_name(first.level)})" in shown
    assert not at.select_slider  # confirmed grades are read-only

    # confirming again (a second click from a stale page) neither fails silently nor saves a second design
    again = open_practice(monkeypatch, tmp_db, sid)
    assert metric(again, "Total score") == f"{total:.0f}/100"
    with open_store(tmp_db) as store:
        assert store.list_designs().total == 1


def test_a_confirmed_session_appears_on_the_progress_page(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    at, _, _ = finished_session(monkeypatch, tmp_db)
    at.button(key="practice.confirm").click().run()
    ok(at)
    at.switch_page("pages/progress.py").run()
    ok(at)
    table = at.dataframe[0].value
    assert list(table["Prompt"]) == [get_prompt(PROMPT).title]


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
