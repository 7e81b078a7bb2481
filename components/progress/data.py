"""The numbers and figures of the progress page (plain functions of the stored sessions; no Streamlit here).

An *attempt* is a practice session whose grades the candidate confirmed. The weakest dimension is the one with
the lowest mean level over the latest attempts (``RECENT``), so that an old weakness already fixed does not keep
coming back; the rules behind a dimension come from the same mapping grading uses
(``mlsd.practice.grading.rule_dimension`` / ``kind_dimension``), never a copy of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import plotly.graph_objects as go
from pydantic import ValidationError

from mlsd.practice.grading import kind_dimension, rule_dimension
from mlsd.practice.prompts import Prompt, all_prompts, get_prompt
from mlsd.practice.rubric import DIMENSION_IDS, DIMENSIONS, LEVELS, DimensionId, total_score
from mlsd.practice.session import elapsed, from_state
from mlsd.rules import Rule, all_rules
from mlsd.store import PracticeSessionRecord

RECENT = 3  # attempts the weakest dimension is judged on
SCORE_RANGE = (-8, 112)  # the score axis: 0-100 and room for a marker and its label at either end
RINGS = "Rings from the centre: " + " · ".join(f"{n} {name}" for n, name in LEVELS.items())
PAD = timedelta(days=1)  # the time axis spans at least this much either side of the sessions
LINE_COLOR = "#1565c0"
FIRST_COLOR = "#90a4ae"


@dataclass(frozen=True)
class Attempt:
    """One confirmed practice session, as the progress page shows it."""

    id: str
    prompt_id: str
    title: str
    started_at: datetime
    finished_at: datetime
    minutes_used: float
    minutes_budget: float
    score: float
    levels: dict[str, int]


@dataclass(frozen=True)
class Library:
    """Every stored session sorted out: confirmed attempts (oldest first), sessions awaiting grades, unreadable."""

    attempts: list[Attempt]
    awaiting: list[tuple[str, str]]  # (session id, prompt title) finished but not confirmed
    unreadable: list[str]  # "session <id>: why"


def sort_sessions(records: Iterable[PracticeSessionRecord]) -> Library:
    """Read every stored session; those that cannot be read are reported, never dropped silently."""
    attempts: list[Attempt] = []
    awaiting: list[tuple[str, str]] = []
    unreadable: list[str] = []
    for record in records:
        try:
            s = from_state(record.state)
            prompt = get_prompt(s.prompt_id)
        except (ValidationError, KeyError) as exc:
            unreadable.append(f"session {record.id}: {str(exc).splitlines()[0]}")
            continue
        if s.finished_at is None:
            continue
        if not s.confirmed or not s.grades:
            awaiting.append((record.id, prompt.title))
            continue
        try:
            score = total_score(s.grades)
        except ValueError as exc:
            unreadable.append(f"session {record.id}: {exc}")
            continue
        attempts.append(Attempt(
            id=record.id, prompt_id=prompt.id, title=prompt.title, started_at=s.started_at,
            finished_at=s.finished_at, minutes_used=elapsed(s, s.finished_at) / 60.0,
            minutes_budget=s.total_minutes, score=score, levels={g.dimension: g.level for g in s.grades},
        ))
    attempts.sort(key=lambda a: (a.finished_at, a.id))
    return Library(attempts, awaiting, unreadable)


def dimension_label(dimension: str) -> str:
    return next(d.label for d in DIMENSIONS if d.id == dimension)


def score_figure(attempts: Sequence[Attempt]) -> go.Figure:
    """The total score of every attempt over time, each marker labelled with its score; the score axis shows 0-100
    with room on both sides, so a score of 0 or 100 (or a single session) is drawn whole, not on the axis line."""
    fig = go.Figure(go.Scatter(
        x=[a.finished_at for a in attempts], y=[round(a.score, 1) for a in attempts], mode="lines+markers+text",
        line={"color": LINE_COLOR, "width": 2}, marker={"size": 9 if len(attempts) > 1 else 12},
        text=[f"{a.score:.0f}" for a in attempts], textposition="top center", cliponaxis=False,
        textfont={"color": LINE_COLOR, "size": 12},
        customdata=[[a.title, f"{a.minutes_used:.0f} of {a.minutes_budget:g} min"] for a in attempts],
        hovertemplate="%{customdata[0]}<br>%{x|%d %b %Y %H:%M}<br>score %{y:.0f}/100 · %{customdata[1]}"
                      "<extra></extra>",
    ))
    xaxis: dict[str, object] = {"title": None, "tickformat": "%d %b", "hoverformat": "%d %b %Y %H:%M"}
    if attempts and attempts[-1].finished_at - attempts[0].finished_at < PAD * 2:
        xaxis["range"] = [attempts[0].finished_at - PAD, attempts[-1].finished_at + PAD]  # never millisecond ticks
        xaxis["dtick"] = PAD.total_seconds() * 1000  # one tick a day
    fig.update_layout(title={"text": "Total score over time", "font": {"size": 14}}, height=340,
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, showlegend=False,
                      yaxis={"range": list(SCORE_RANGE), "tickvals": list(range(0, 101, 20)),
                             "title": "score (0-100)", "zeroline": False}, xaxis=xaxis)
    return fig


def radar_figure(first: Attempt, latest: Attempt) -> go.Figure:
    """Level per dimension: the first attempt against the latest. The rings (levels 1-4) carry no labels, which
    sat on the shapes; a key under the chart names them, and a point's hover gives its level's name."""
    labels = [d.label for d in DIMENSIONS]
    fig = go.Figure()
    traces = [(first, "first", FIRST_COLOR)] if first.id != latest.id else []
    traces.append((latest, "latest", LINE_COLOR))
    for attempt, name, color in traces:
        r = [attempt.levels.get(d, 0) for d in DIMENSION_IDS]
        fig.add_trace(go.Scatterpolar(
            r=[*r, r[0]], theta=[*labels, labels[0]], name=f"{name}: {attempt.finished_at:%d %b} "
            f"({attempt.score:.0f})", line={"color": color}, fill="toself" if name == "latest" else "none",
            opacity=0.75, customdata=[LEVELS.get(v, "not graded") for v in [*r, r[0]]],
            hovertemplate="%{theta}: %{customdata} (%{r})<extra>" + name + "</extra>",
        ))
    fig.update_layout(
        title={"text": "Latest against first, per dimension", "font": {"size": 14}}, height=400,
        margin={"l": 150, "r": 150, "t": 60, "b": 70}, showlegend=True,
        legend={"orientation": "h", "y": -0.1},
        polar={"radialaxis": {"range": [0, 4], "tickvals": list(LEVELS), "showticklabels": False},
               "angularaxis": {"rotation": 90, "direction": "clockwise", "tickfont": {"size": 11}}},
        annotations=[{"text": RINGS, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "y": -0.2,
                      "xanchor": "center", "yanchor": "top", "font": {"size": 11, "color": "#78909c"}}],
    )
    return fig


def dimension_means(attempts: Sequence[Attempt], recent: int = RECENT) -> dict[DimensionId, float]:
    """The mean level of each dimension over the latest ``recent`` attempts."""
    latest = list(attempts)[-recent:]
    if not latest:
        raise ValueError("no attempt to average")
    return {d: sum(a.levels.get(d, 0) for a in latest) / len(latest) for d in DIMENSION_IDS}


def weakest_dimension(attempts: Sequence[Attempt], recent: int = RECENT) -> tuple[DimensionId, float]:
    """The dimension with the lowest mean level over the latest attempts (the rubric's order breaks ties)."""
    means = dimension_means(attempts, recent)
    weakest = min(DIMENSION_IDS, key=lambda d: (means[d], DIMENSION_IDS.index(d)))
    return weakest, means[weakest]


def rules_for(dimension: str) -> list[Rule]:
    """The checklist rules grading counts in ``dimension``."""
    return [r for r in all_rules() if rule_dimension(r.id, r.category) == dimension]


def relevance(prompt: Prompt, dimension: str) -> int:
    """How much a prompt exercises a dimension: its key blocks in the dimension (for requirements & scoping, the
    numbers it asks the candidate to clarify)."""
    if dimension == "requirements":
        return len(prompt.requirements.model_dump(exclude_none=True, exclude={"headroom", "regions"}))
    return sum(1 for k in prompt.key_blocks if kind_dimension(k) == dimension)


def prompts_to_study(dimension: str, attempts: Sequence[Attempt], count: int = 3) -> list[Prompt]:
    """Prompts whose reference designs exercise ``dimension`` most; prompts not practised yet first."""
    practised: dict[str, int] = {}
    for a in attempts:
        practised[a.prompt_id] = practised.get(a.prompt_id, 0) + 1
    ranked = sorted(all_prompts(), key=lambda p: (-relevance(p, dimension), practised.get(p.id, 0), p.order))
    return ranked[:count]
