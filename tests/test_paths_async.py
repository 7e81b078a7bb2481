"""Paths in the analysis: asynchronous (queue- or stream-fed) entries and their arrival rate, the peak split,
fallback connections off the happy path and in the failure what-if, and the degraded path's timings."""

from __future__ import annotations

import pytest

from mlsd.analysis import analyze
from mlsd.analysis.degraded import degraded_calls
from mlsd.analysis.failures import what_if
from mlsd.model import Design
from tests.conftest import design_of


def block(id: str, kind: str, label: str, **props: object) -> dict:
    return {"id": id, "kind": kind, "label": label, "props": props}


def conn(source: str, target: str, flow: str = "request", **extra: object) -> dict:
    return {"id": f"{source}-{target}", "source": source, "target": target, "flow": flow, **extra}


def queue_fed(workers: dict | None = None, peak: float = 1000, producer_share: float | None = None,
              extra_entry: bool = False) -> Design:
    """app -> gw -> posts -stream-> queue -stream-> workers -> model; optionally a second, synchronous entry."""
    app = block("app", "client", "App")
    if producer_share is not None:
        app["props"] = {"traffic_share": producer_share}
    comps = [
        app,
        block("gw", "api_gateway", "Gateway", p99_ms=5, timeout_ms=190),
        block("posts", "online_inference", "Post service", p99_ms=20, qps_per_replica=500, replicas=4),
        block("queue", "message_queue", "Queue"),
        block("workers", "online_inference", "Workers", **{"p99_ms": 30, "qps_per_replica": 100, "replicas": 15,
                                                            **(workers or {})}),
        block("model", "transformer", "Policy model", p99_ms=400, p50_ms=150, qps_per_replica=100, replicas=20,
              items_scored=1),
    ]
    conns = [conn("app", "gw"), conn("gw", "posts"), conn("posts", "queue", "stream"),
             conn("queue", "workers", "stream"), conn("workers", "model")]
    if extra_entry:
        comps.append(block("web", "client", "Web"))
        conns.append(conn("web", "gw"))
    return design_of(comps, conns, requirements={"sla_p99_ms": 300, "peak_qps": peak})


def path(design: Design, entry: str):
    return next(p for p in analyze(design, samples=2_000).paths if p.entry == entry)


def test_a_queue_fed_consumer_is_an_asynchronous_path_without_the_sla():
    p = path(queue_fed(), "workers")
    assert p.asynchronous
    assert p.sla_ms is None
    assert not p.over_sla  # its 400 ms model is slower than the 300 ms SLA; the SLA is not its target
    sync = path(queue_fed(), "app")
    assert not sync.asynchronous and sync.sla_ms == 300


def test_the_consumer_receives_what_its_producer_handles_not_a_share_of_the_peak():
    # with a second, synchronous entry the peak is split 500/500; the producer handles all 1,000
    design = queue_fed(extra_entry=True)
    assert path(design, "app").peak_qps == pytest.approx(500)
    assert path(design, "workers").peak_qps == pytest.approx(1000)


def test_the_producers_rate_follows_its_share():
    design = queue_fed(producer_share=0.25)
    assert path(design, "workers").peak_qps == pytest.approx(250)


def test_a_declared_traffic_share_on_the_consumer_wins():
    design = queue_fed(workers={"traffic_share": 0.1})
    assert path(design, "workers").peak_qps == pytest.approx(100)


def test_a_consumer_whose_feed_has_no_known_rate_gets_the_whole_peak_and_is_named():
    design = design_of(
        [block("events", "user_events", "Events"), block("queue", "message_queue", "Queue"),
         block("workers", "online_inference", "Workers", p99_ms=30, qps_per_replica=100, replicas=15)],
        [conn("events", "queue", "stream"), conn("queue", "workers", "stream")],
        requirements={"sla_p99_ms": 300, "peak_qps": 800},
    )
    a = analyze(design, samples=2_000)
    assert [p.entry for p in a.paths] == ["workers"]  # a consumer that calls nothing is still a path
    assert a.paths[0].peak_qps == pytest.approx(800)
    assert a.model is not None and [a.model.parts.ids[v] for v in a.model.unknown_feed] == ["workers"]


def test_items_per_day_of_a_source_gives_the_rate_at_the_peak_to_average_of_two():
    design = design_of(
        [block("events", "user_events", "Events", items_per_day=86_400_000), block("queue", "message_queue", "Q"),
         block("workers", "online_inference", "Workers", p99_ms=30, qps_per_replica=100, replicas=30)],
        [conn("events", "queue", "stream"), conn("queue", "workers", "stream")],
        requirements={"sla_p99_ms": 300, "peak_qps": 800},
    )
    assert path(design, "workers").peak_qps == pytest.approx(2_000)  # 1,000/s average × 2


def test_a_stream_into_a_store_does_not_make_it_a_consumer():
    design = design_of(
        [block("app", "client", "App"), block("svc", "online_inference", "Service", p99_ms=10),
         block("fs", "online_feature_store", "Features"), block("flink", "stream_processor", "Flink"),
         block("db", "transactional_db", "DB")],
        [conn("app", "svc"), conn("svc", "fs"), conn("flink", "fs", "stream"), conn("fs", "db")],
        requirements={"sla_p99_ms": 300, "peak_qps": 100},
    )
    assert [p.entry for p in analyze(design, samples=2_000).paths] == ["app"]


def with_fallback(timeout: float | None = 1000, fallback_edge: bool = True) -> Design:
    svc = {"p99_ms": 10, "qps_per_replica": 500, "replicas": 4}
    if timeout is not None:
        svc["timeout_ms"] = timeout
    return design_of(
        [block("app", "client", "App"), block("svc", "online_inference", "Service", **svc),
         block("ranker", "dnn", "Ranker", p99_ms=150, p50_ms=60, qps_per_replica=100, replicas=20, items_scored=100,
               ms_per_item=0.05),
         block("popular", "heuristic_baseline", "Popular", p99_ms=60, qps_per_replica=1000, replicas=2)],
        [conn("app", "svc"), conn("svc", "ranker"), conn("svc", "popular", fallback=fallback_edge)],
        requirements={"sla_p99_ms": 200, "peak_qps": 1000},
    )


def test_a_fallback_connection_carries_no_load_and_adds_no_latency():
    off, on = analyze(with_fallback(), samples=2_000), analyze(with_fallback(fallback_edge=False), samples=2_000)
    assert "popular" not in off.capacity and on.capacity["popular"].peak_qps == pytest.approx(1000)
    assert off.paths[0].p99_sum_ms == pytest.approx(160)  # 10 + 150: the fallback is not called
    assert on.paths[0].p99_sum_ms == pytest.approx(220)
    assert "popular" not in off.paths[0].blocks
    assert [p.entry for p in off.paths] == ["app"]  # its target is called: not an entry


def test_the_fallback_connection_answers_when_the_primary_is_lost():
    (lost,) = what_if(analyze(with_fallback(), samples=2_000), kinds=("block",), only=["ranker"])
    (outcome,) = lost.paths
    assert outcome.state == "degraded"
    assert outcome.answered_by == "popular"


@pytest.mark.parametrize(("fallback_kind", "lost", "state"), [
    ("logistic_regression", "ranker", "degraded"),  # a fallback model does the model's job
    ("logistic_regression", "cands", "failing"),  # ... but needs the candidates it would rank
    ("logistic_regression", "fs", "failing"),  # ... and the features
    ("heuristic_baseline", "cands", "degraded"),  # popular items need nothing of the primary's
])
def test_a_fallback_connection_stands_in_only_for_what_it_can_answer(fallback_kind, lost, state):
    design = design_of(
        [block("app", "client", "App"), block("svc", "online_inference", "Service", p99_ms=10),
         block("cands", "candidate_generation", "Candidates", p99_ms=20),
         block("fs", "online_feature_store", "Features", p99_ms=5, qps_per_replica=100_000, replicas=3),
         block("ranker", "dnn", "Ranker", p99_ms=50), block("fb", fallback_kind, "Fallback", p99_ms=10)],
        [conn("app", "svc"), conn("svc", "cands"), conn("svc", "fs"), conn("svc", "ranker"),
         conn("svc", "fb", fallback=True)],
        requirements={"sla_p99_ms": 200, "peak_qps": 100},
    )
    (failure,) = what_if(analyze(design, samples=2_000), kinds=("block",), only=[lost])
    assert failure.paths[0].state == state


def test_without_the_fallback_connection_losing_the_primary_fails_the_path():
    design = design_of(
        [block("app", "client", "App"), block("svc", "online_inference", "Service", p99_ms=10),
         block("ranker", "dnn", "Ranker", p99_ms=150)],
        [conn("app", "svc"), conn("svc", "ranker")],
        requirements={"sla_p99_ms": 200, "peak_qps": 1000},
    )
    (lost,) = what_if(analyze(design, samples=2_000), kinds=("block",), only=["ranker"])
    assert lost.paths[0].state == "failing"


@pytest.mark.parametrize(("timeout", "wait"), [(1000, 150), (100, 100), (None, 150)])
def test_the_degraded_path_waits_min_of_timeout_and_p99_then_the_fallback(timeout, wait):
    a = analyze(with_fallback(timeout), samples=2_000)
    m = a.model
    assert m is not None
    entry = m.index["app"]
    (d,) = degraded_calls(m, [entry], {entry: {m.index[b] for b in a.paths[0].blocks}})
    assert (m.parts.ids[d.source], m.parts.ids[d.failed], m.parts.ids[d.fallback]) == ("svc", "ranker", "popular")
    assert d.wait_ms == pytest.approx(wait)
    assert d.fallback_ms == pytest.approx(60)
    assert d.added_ms == pytest.approx(wait + 60 - 150)


def test_the_analyze_command_says_an_asynchronous_path_is_judged_on_its_lag(tmp_path):
    import io
    import json

    from mlsd.cli import main

    path_file = tmp_path / "queue_fed.json"
    path_file.write_text(queue_fed().model_dump_json(exclude_none=True))
    out = io.StringIO()
    assert main(["analyze", str(path_file)], out=out) == 0
    assert "asynchronous (fed by a queue): no SLA, judged on its lag (LAT-6)" in out.getvalue()
    out = io.StringIO()
    assert main(["analyze", str(path_file), "--format", "json"], out=out) == 0
    paths = {p["entry"]: p for p in json.loads(out.getvalue())["paths"]}
    assert paths["workers"]["asynchronous"] and not paths["app"]["asynchronous"]
