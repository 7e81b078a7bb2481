"""Finishing a practice session (AppTest through app.py): the rubric pre-filled with reasons, the
comparison with the reference, a level adjusted and the grades confirmed, and the confirmed session on the
Progress page.

Time is driven through the domain: sessions are created in the library with a ``started_at`` in the past, so
nothing sleeps. The library is a temporary file (``MLSD_DB``); the session id travels in ``?session=ID``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.practice.actions import grade_key
from mlsd.io import load_file
from mlsd.practice.grading import prefill
from mlsd.practice.prompts import get_prompt
from mlsd.practice.rubric import DIMENSION_BY_ID, DIMENSION_IDS, level_name, total_score
from mlsd.practice.session import PracticeSession, from_state, with_design, with_note
from mlsd.store import open_store
from tests.board_apptest import ok
from tests.practice_apptest import PROMPT, ROOT, create, metric, open_practice, partial_design, started, stored, texts


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
    canvases = [json.loads(c.proto.json_args) for c in at.get("component_instance")]
    assert [[n["id"] for n in c["graph"]["nodes"]] for c in canvases] == [
        [b.id for b in session.design.components], [b.id for b in reference.components]]
    assert all(c["read_only"] for c in canvases) and not at.get("graphviz_chart")  # the Board's canvas, read-only
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
    assert f"saved in the library as **{saved.name}**" in shown  # its name, not its id
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
