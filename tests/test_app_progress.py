"""The progress page driven by Streamlit's AppTest through app.py: the empty state, the score over time, first
against latest per dimension, the table of sessions, and the weakest dimension with what to study next.

Sessions are built with the domain functions (start, finish, prefill, confirm) at chosen instants and stored in
a temporary library (``MLSD_DB``).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mlsd.io import load_file
from mlsd.model import Design
from mlsd.practice.grading import kind_dimension, prefill, rule_dimension
from mlsd.practice.prompts import Prompt, all_prompts, get_prompt
from mlsd.practice.rubric import DIMENSION_BY_ID, DIMENSION_IDS, total_score
from mlsd.practice.session import PracticeSession, finish, start, to_state, with_design, with_grades
from mlsd.rules import all_rules
from mlsd.store import open_store
from tests.apptest_common import ok
from tests.conftest import design_of

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)


def open_progress(monkeypatch: pytest.MonkeyPatch, db: Path) -> AppTest:
    monkeypatch.setenv("MLSD_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/progress.py").run()
    ok(at)
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info] + \
            [w.value for w in at.warning] + [s.value for s in at.subheader]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def small_answer() -> Design:
    return design_of(
        [
            {"id": "app", "kind": "client", "label": "Terminal"},
            {"id": "score", "kind": "online_inference", "label": "Scorer"},
        ],
        [{"id": "c1", "source": "app", "target": "score", "flow": "request"}],
        name="small answer",
    )


def graded(prompt_id: str, design: Design, at: datetime, minutes: float, confirmed: bool = True) -> PracticeSession:
    prompt = get_prompt(prompt_id)
    session = with_design(start(prompt_id, at), design)
    session = finish(session, at + timedelta(minutes=minutes))
    grades = prefill(session.design, prompt, load_file(ROOT / prompt.reference), {})
    return with_grades(session, grades, confirmed=confirmed)


def store_all(db: Path, sessions: list[PracticeSession]) -> list[str]:
    with open_store(db) as store:
        ids = []
        for s in sessions:
            rec = store.start_session(s.prompt_id, state=to_state(s))
            store.update_session(rec.id, finished=s.finished)
            ids.append(rec.id)
        return ids


def history() -> list[PracticeSession]:
    """A weak first answer, then a strong one (the reference itself) a week later."""
    fraud = get_prompt("card_fraud")
    return [
        graded("card_fraud", small_answer(), T0, 38),
        graded("card_fraud", load_file(ROOT / fraud.reference), T0 + timedelta(days=7), 44),
    ]


def test_empty_progress_says_how_to_get_a_first_score(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    at = open_progress(monkeypatch, tmp_db)
    shown = texts(at)
    assert "No graded practice session yet" in shown
    assert "confirm" in shown
    links = at.get("page_link")
    assert any(link.proto.page.endswith("practice") or "practice" in link.proto.page for link in links)
    assert not at.get("plotly_chart") and not at.dataframe


def test_unfinished_sessions_are_not_scored_and_finished_ones_wait_for_grades(monkeypatch: pytest.MonkeyPatch,
                                                                              tmp_db: Path) -> None:
    running = start("autocomplete", T0)
    waiting = graded("news_feed", small_answer(), T0, 20, confirmed=False)
    ids = store_all(tmp_db, [running, waiting])
    at = open_progress(monkeypatch, tmp_db)
    shown = texts(at)
    assert "No graded practice session yet" in shown
    assert "Waiting for your grades (1)" in shown
    labels = [link.proto.label for link in at.get("page_link")]
    assert f"Grade: {get_prompt('news_feed').title}" in labels
    assert get_prompt("autocomplete").title not in " ".join(labels)
    link = next(link for link in at.get("page_link") if link.proto.label.startswith("Grade"))
    assert ids[1] in link.proto.query_string


def test_scores_over_time_and_first_against_latest(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    sessions = history()
    store_all(tmp_db, list(reversed(sessions)))  # stored out of order: the page sorts by time
    at = open_progress(monkeypatch, tmp_db)
    totals = [total_score(s.grades) for s in sessions]
    assert totals[1] > totals[0]

    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    line = next(c for c in charts if c["data"][0]["type"] == "scatter")
    assert line["data"][0]["y"] == [round(t, 1) for t in totals]
    radar = next(c for c in charts if c["data"][0]["type"] == "scatterpolar")
    first, latest = radar["data"]
    assert first["r"][:-1] == [g.level for g in sessions[0].grades]
    assert latest["r"][:-1] == [g.level for g in sessions[1].grades]
    assert first["theta"][:-1] == [DIMENSION_BY_ID[d].label for d in DIMENSION_IDS]

    latest_metric = next(m for m in at.metric if m.label == "Latest score")
    assert latest_metric.value == f"{totals[1]:.0f}/100"

    table = at.dataframe[0].value.to_dict("records")
    assert [r["Score"] for r in table] == [round(totals[1]), round(totals[0])]  # newest first
    assert all(r["Prompt"] == get_prompt("card_fraud").title for r in table)
    assert table[1]["Duration"] == "38:00 of 45 min"


def test_one_session_reads_well_a_labelled_marker_inside_the_score_axis_and_unlabelled_rings(
        monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    """A single session scoring 0: its marker carries its score and sits inside a 0-100 axis padded on both sides
    (not on the axis line, half hidden); the radar names its rings in a key under the chart, not on the shape."""
    session = graded("card_fraud", small_answer(), T0, 38)
    store_all(tmp_db, [session])
    at = open_progress(monkeypatch, tmp_db)
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    line = next(c for c in charts if c["data"][0]["type"] == "scatter")
    (trace,) = line["data"]
    score = round(total_score(session.grades))
    assert trace["text"] == [f"{score}"] and "text" in trace["mode"] and "markers" in trace["mode"]
    assert trace["cliponaxis"] is False
    low, high = line["layout"]["yaxis"]["range"]
    assert low < 0 and high > 100
    assert line["layout"]["yaxis"]["tickvals"] == [0, 20, 40, 60, 80, 100]
    radar = next(c for c in charts if c["data"][0]["type"] == "scatterpolar")
    assert radar["layout"]["polar"]["radialaxis"]["showticklabels"] is False
    (key,) = radar["layout"]["annotations"]
    assert key["text"] == "Rings from the centre: 1 very weak · 2 weak · 3 strong · 4 very strong"
    assert key["y"] < 0  # under the plot, clear of the shapes


def test_the_weakest_dimension_comes_with_its_rules_and_references(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_db: Path) -> None:
    sessions = history()
    store_all(tmp_db, sessions)
    at = open_progress(monkeypatch, tmp_db)
    means = {d: sum(next(g.level for g in s.grades if g.dimension == d) for s in sessions) / len(sessions)
             for d in DIMENSION_IDS}
    weakest = min(DIMENSION_IDS, key=lambda d: (means[d], DIMENSION_IDS.index(d)))
    shown = texts(at)
    assert f"Your weakest dimension is **{DIMENSION_BY_ID[weakest].label}**" in shown
    assert f"({means[weakest]:.1f} on a 1-4 scale)" in shown

    rules = [r for r in all_rules() if rule_dimension(r.id, r.category) == weakest]
    for r in rules[:12]:
        assert f"`{r.id}` **{r.title}**" in re.sub(r"\\(.)", r"\1", "\n".join(m.value for m in at.markdown))
    others = [r for r in all_rules() if rule_dimension(r.id, r.category) != weakest]
    assert not any(f"`{r.id}`" in shown for r in others)

    practise = [link for link in at.get("page_link") if link.proto.label == "Practise this prompt"]
    assert len(practise) == 3
    assert len(at.get("graphviz_chart")) == 3  # one reference diagram per prompt to study
    first_prompt = get_prompt(practise[0].proto.query_string.split("=")[1])
    if weakest == "requirements":
        # the first prompt suggested asks the candidate to clarify the most numbers
        def numbers(p: Prompt) -> int:
            return len(p.requirements.model_dump(exclude_none=True, exclude={"headroom", "regions"}))
        assert numbers(first_prompt) == max(numbers(p) for p in all_prompts())
    elif weakest not in ("framing", "communication"):
        # the first prompt suggested exercises the dimension through its key blocks
        assert any(kind_dimension(k) == weakest for k in first_prompt.key_blocks)


def test_an_unreadable_session_is_reported_not_dropped_silently(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_db: Path) -> None:
    store_all(tmp_db, history()[:1])
    with open_store(tmp_db) as store:
        bad = store.start_session("card_fraud", state={"prompt_id": "card_fraud", "budgets": {}})
    at = open_progress(monkeypatch, tmp_db)
    shown = texts(at)
    assert f"session {bad.id}" in shown and "cannot be read" in shown
    assert len(at.dataframe[0].value) == 1
