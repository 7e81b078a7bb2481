"""The load tab's texts and the what-if table (components.board.load.tables): reasons naming blocks by their
titles, the worst failure first with the right counts, and the numbers taken from kind defaults."""

from __future__ import annotations

from components.board.load.tables import (
    count,
    human_reason,
    ranked,
    what_if_rows,
    what_if_summary,
)
from mlsd.analysis import analyze
from mlsd.analysis.failures import Failure, PathOutcome, TierAfter
from tests.conftest import design_of as build_design
from tests.load_samples import tiny_design

TITLES = {"ranker": "Ranking DNN", "popular": "Popular fallback", "gw": "API gateway"}


def test_reasons_name_blocks_by_their_titles() -> None:
    def out(cause: str | None, kind: str, by: str | None = None, busy: float | None = None,
            reason: str = "") -> PathOutcome:
        return PathOutcome("client", "failing", None, False, reason, cause, kind, by, busy)  # type: ignore[arg-type]

    assert human_reason(TITLES, out("ranker", "answered", "popular")) == "Ranking DNN is down; Popular fallback answers"
    assert human_reason(TITLES, out("ranker", "answered", "popular"), lost="ranker") == \
        "Popular fallback answers in its place"
    assert human_reason(TITLES, out("ranker", "answered")) == "Ranking DNN is down; its own fallback answers"
    by_caller = PathOutcome("client", "degraded", None, False, "", "ranker", "answered", "gw", callers_fallback=True)
    assert human_reason(TITLES, by_caller) == "Ranking DNN is down; the fallback of API gateway answers"
    assert human_reason(TITLES, out("gw", "down"), lost="gw") == "nothing answers in its place"
    assert human_reason(TITLES, out("ranker", "overloaded", busy=1.04)) == "Ranking DNN overloaded at 104%"
    assert human_reason(TITLES, out(None, "", reason="something else entirely")) == "something else entirely"


def failure(kind: str, target: str, state: str, p99: float | None, over: bool = False, reason: str = "") -> Failure:
    return Failure(kind, target, (), (TierAfter(target, 3, 2, 0.5, 0.75),),  # type: ignore[arg-type]
                   (PathOutcome("client", state, p99, over, reason),))  # type: ignore[arg-type]


def test_the_what_if_table_puts_the_worst_first_and_counts_right() -> None:
    fs = [failure("replica", "ranker", "kept", 60.0), failure("block", "gw", "failing", None, True,
                                                             "gw is down and nothing answers in its place"),
          failure("block", "ranker", "degraded", 70.0, False, "ranker is down; popular answers"),
          failure("replica", "popular", "kept", 250.0, True)]
    order = ranked(fs)
    assert [f.target for f in order] == ["gw", "ranker", "popular", "ranker"]
    rows = what_if_rows(tiny_design(), order)
    assert [r["Outcome"] for r in rows] == ["failing", "degraded", "kept", "kept"]
    assert rows[0]["SLA"] == "no answer" and rows[0]["p99 after (ms)"] is None
    assert rows[2]["SLA"] == "over" and "over the SLA" in rows[2]["Why"]
    assert rows[3]["Why"] == "2 of 3 replicas left; every block still runs"
    assert what_if_summary(fs) == ("**1 of 4 single failures** breaks a serving path (failing); 1 more degrades one "
                                   "(a fallback answers); 2 leave every path running, 1 of them over the SLA.")
    assert what_if_summary(fs[:1]) == "**0 of 1 single failure** break a serving path (failing); 1 leaves every " \
        "path running."
    assert what_if_summary([]).startswith("No single failure")
    assert what_if_summary(fs[1:2] * 3) == "**All 3 single failures** break a serving path (failing)."
    assert what_if_summary(fs[1:2]) == "**The only single failure** breaks a serving path (failing)."
    assert count(1, "replica") == "1 replica" and count(2, "replica") == "2 replicas"


def test_the_view_names_the_numbers_taken_from_kind_defaults() -> None:
    from components.board.load.tables import kind_default_line

    design = build_design(
        [{"id": "app", "kind": "client"},
         {"id": "svc", "kind": "online_inference", "label": "Scorer <b>x</b>", "props": {"replicas": 2}}],
        [{"id": "e", "source": "app", "target": "svc", "flow": "request"}],
        requirements={"peak_qps": 100},
    )
    line = kind_default_line(design, analyze(design))
    assert line is not None and "Scorer" in line and "<b>" not in line
    assert "p99" in line and "throughput per replica" in line and "replicas" not in line.split("Scorer")[1]
