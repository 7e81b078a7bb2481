"""The closed forms against a ciw discrete-event simulation (mlsd/analysis/simulation/), and simulate()'s contract.

Tolerances come from the simulation's own 95% confidence interval plus a stated allowance for what the closed form
is known to get wrong (each assertion message gives both). The allowances were measured on long runs (2% CI, seed 11,
lognormal service with p99/p50 = 3):
- one server, against the exact Lindley recursion (38 million customers): Allen–Cunneen's exponential wait
  overstates the p99 by +6.1% at ρ = 0.3, +4.8% at 0.6, +0.7% at 0.9;
- M/G/2: +3.5% at 0.6, −1.4% at 0.9; M/G/10: −0.2% at 0.6, +2.1% at 0.9 (against ciw);
- the 3-tier chain below: +1.2% at 0.3, +6.8% at 0.6, +10.3% at 0.9: every tier's arrivals are taken as Poisson,
  but a tier is fed by the departures of the one above, which are smoother.
Runs are seeded and stop on their CI (not on time: the budgets are generous), so every figure is reproducible; the
same assertions hold for seeds 1 to 5.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import random
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

import ciw
import numpy as np
import pytest

from mlsd.analysis import analyze
from mlsd.analysis import simulation as sim
from mlsd.analysis.distributions import lognormal_fit, lognormal_mean, sojourn_quantile
from mlsd.analysis.simulation import SimulationResult, simulate
from mlsd.analysis.simulation.nodes import FastNode, FastServer
from mlsd.analysis.simulation.plan import make_plan
from mlsd.analysis.simulation.replication import run_ciw
from mlsd.cli import analyze as analyze_cli
from mlsd.cli import main
from mlsd.io import save_file
from mlsd.model import Design
from tests.conftest import design_of
from tests.test_queueing import erlang_c_direct

P50, P99 = 10.0, 30.0  # a realistic RPC: p99 three times the median (sigma 0.47, cs² 0.25)
MU, SIGMA = lognormal_fit(P50, P99)
MEAN = lognormal_mean(MU, SIGMA)
QPS = 1000.0 / MEAN  # one server per replica, exactly: qps × E[S] = 1
BUDGET = 120.0  # seconds; never reached by these runs, which stop on their CI
ONE_SERVER_ALLOWANCE = 0.07  # Allen–Cunneen's exponential wait, c = 1: +6.1% at ρ = 0.3 (exact)
MANY_SERVER_ALLOWANCE = 0.04  # c ≥ 2: +3.5% at most on long runs
CHAIN_OVER_ALLOWANCE = 0.15  # the analysis may exceed a chain's simulated p99 by this (+10.3% at 0.9 measured)
UNDER_ALLOWANCE = 0.03  # it may fall below it by this (its own sampling noise, 20,000 samples)


def one_tier(c: int, rho: float) -> Design:
    """A client calling one tier of ``c`` one-server replicas at utilisation ``rho``."""
    return design_of(
        [{"id": "client", "kind": "client"},
         {"id": "tier", "kind": "api_gateway",
          "props": {"p50_ms": P50, "p99_ms": P99, "qps_per_replica": QPS, "replicas": c}}],
        [{"id": "c1", "source": "client", "target": "tier", "flow": "request"}],
        requirements={"peak_qps": rho * c * QPS})


def chain(rho: float) -> Design:
    """client → a → b → c, every tier at utilisation ``rho`` of 200 req/s. The replicas of a and b are declared
    slower than their latency (100 req/s at ~2 and ~9 ms: Little's law rounds to one server, busy 10 ms per
    request), so the simulation's occupancy scaling is exercised."""
    tiers = [("a", 2, 6, 100, 2), ("b", 8, 24, 100, 2), ("c", 3, 12, 200, 1)]
    comps: list[dict[str, Any]] = [{"id": "client", "kind": "client"}]
    comps += [{"id": i, "kind": "api_gateway",
               "props": {"p50_ms": p50, "p99_ms": p99, "qps_per_replica": q, "replicas": r}}
              for i, p50, p99, q, r in tiers]
    ids = ["client", "a", "b", "c"]
    conns = [{"id": f"r{k}", "source": s, "target": t, "flow": "request"}
             for k, (s, t) in enumerate(itertools.pairwise(ids))]
    return design_of(comps, conns, requirements={"peak_qps": rho * 200.0})


def rich(peak: float = 250.0) -> Design:
    """Every way a request can travel: a parallel fan-out, a cache that skips a queued tier on a hit, a tier
    reached twice (db), a managed block (not a queue), a sharded and hedged index, a batching ranker."""
    comps = [
        {"id": "app", "kind": "client"},
        {"id": "gw", "kind": "api_gateway", "props": {"p50_ms": 2, "p99_ms": 6, "qps_per_replica": 300, "replicas": 2}},
        {"id": "svc", "kind": "online_inference",
         "props": {"p50_ms": 4, "p99_ms": 12, "qps_per_replica": 150, "replicas": 4, "calls": "parallel"}},
        {"id": "cache", "kind": "cache",
         "props": {"p50_ms": 0.5, "p99_ms": 2, "qps_per_replica": 5000, "replicas": 1, "hit_rate": 0.6}},
        {"id": "db", "kind": "relational_db",
         "props": {"p50_ms": 3, "p99_ms": 15, "qps_per_replica": 200, "replicas": 3}},
        {"id": "fs", "kind": "online_feature_store", "props": {"p50_ms": 2, "p99_ms": 8, "managed": True}},
        {"id": "idx", "kind": "vector_index",
         "props": {"p50_ms": 3, "p99_ms": 12, "qps_per_replica": 400, "replicas": 2, "shards": 3,
                   "hedged_requests": True}},
        {"id": "rank", "kind": "dnn",
         "props": {"p50_ms": 8, "p99_ms": 20, "qps_per_replica": 200, "replicas": 3, "items_scored": 0,
                   "batch_size": 8, "max_batch_wait_ms": 2}},
    ]
    edges = [("app", "gw"), ("gw", "svc"), ("gw", "db"), ("svc", "cache"), ("cache", "db"), ("svc", "fs"),
             ("svc", "idx"), ("gw", "rank")]
    conns = [{"id": f"r{i}", "source": s, "target": t, "flow": "request"} for i, (s, t) in enumerate(edges)]
    return design_of(comps, conns, requirements={"peak_qps": peak, "sla_p99_ms": 200})


def close(model: float, result: SimulationResult, over: float, under: float, what: str) -> None:
    """|model − sim| within the simulation's CI half-width plus the allowance on the side the model errs."""
    p = result.paths[0]
    assert p.p99_ms is not None and p.p99_ci_ms is not None
    diff = model - p.p99_ms
    allowance = (over if diff > 0 else under) * p.p99_ms
    message = (f"{what}: closed form {model:.2f} ms, simulation {p.p99_ms:.2f} ± {p.p99_ci_ms:.2f} ms "
               f"({result.replications} replications, {p.requests:,} requests); difference {diff:+.2f} ms "
               f"({diff / p.p99_ms:+.1%}) against CI {p.p99_ci_ms:.2f} + allowance {allowance:.2f} ms")
    assert abs(diff) <= p.p99_ci_ms + allowance, message


# ---- ciw made fast is still ciw ---------------------------------------------------------------------------------


def test_fast_nodes_give_the_records_of_ciws_own_nodes() -> None:
    """FastNode/FastServer only change how the next event and a free server are found: a seeded run gives the same
    arrivals, waits and services as ciw's Node, visit for visit."""

    def run(fast: bool) -> list[tuple[float, ...]]:
        network = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(0.3), None, None],
            service_distributions=[ciw.dists.Lognormal(1.0, 0.5), ciw.dists.Lognormal(1.5, 0.4),
                                   ciw.dists.Lognormal(2.5, 0.6)],
            number_of_servers=[1, 3, 40],
            routing=ciw.routing.ProcessBased(lambda ind, simulation: [2, 3, 2]))
        ciw.seed(3)
        kw: dict[str, Any] = {"node_class": FastNode, "server_class": FastServer} if fast else {}
        q = ciw.Simulation(network, **kw)
        q.simulate_until_max_time(5_000)
        records = sorted(q.get_all_records(), key=lambda r: (r.id_number, r.arrival_date))
        return [(r.id_number, r.node, r.arrival_date, r.waiting_time, r.service_time) for r in records]

    stock, fast = run(False), run(True)
    assert len(stock) > 4_000
    assert sum(1 for r in stock if r[3] > 0) > 1_000  # plenty of queueing at the one-server node
    assert fast == stock


# ---- one tier: sojourn_quantile against ciw ---------------------------------------------------------------------


@pytest.mark.parametrize(("c", "rho", "target"), [(1, 0.3, 0.05), (2, 0.6, 0.05), (10, 0.9, 0.1)])
def test_one_tier_p99_closed_form_against_ciw(c: int, rho: float, target: float) -> None:
    """Erlang C (direct sum) and Allen–Cunneen convolved with the lognormal service against ciw's M/G/c."""
    a = analyze(one_tier(c, rho))
    p_wait = erlang_c_direct(c, Fraction(str(rho)) * c)
    theta = (c - rho * c) / MEAN * 2.0 / (1.0 + math.expm1(SIGMA**2))  # per ms
    closed = sojourn_quantile(0.99, MU, SIGMA, p_wait, theta)
    assert a.capacity["tier"].servers == c and a.capacity["tier"].utilisation == pytest.approx(rho)
    result = simulate(a, seed=0, target_ci=target, time_budget_s=BUDGET)
    assert result.converged
    allowance = ONE_SERVER_ALLOWANCE if c == 1 else MANY_SERVER_ALLOWANCE
    close(closed, result, allowance, UNDER_ALLOWANCE, f"M/G/{c} at {rho:.0%}")


def test_one_server_simulation_against_the_exact_lindley_recursion() -> None:
    """The simulator itself, where an exact answer exists: the sojourn p99 of M/G/1 from Lindley's recursion
    W' = max(0, W + S − A) over 3 million customers (numpy), no closed-form approximation involved."""
    rho = 0.6
    rng = np.random.default_rng(5)
    n = 3_000_000
    service = np.exp(MU + SIGMA * rng.standard_normal(n))
    gaps = rng.exponential(MEAN / rho, n)
    steps = np.concatenate([[0.0], np.cumsum(service[:-1] - gaps[1:])])
    wait = steps - np.minimum.accumulate(steps)
    exact = float(np.quantile((wait + service)[n // 10:], 0.99))
    result = simulate(analyze(one_tier(1, rho)), seed=0, target_ci=0.05, time_budget_s=BUDGET)
    close(exact, result, 0.0, 0.0, "M/G/1 at 60% against Lindley")


# ---- a chain: analyze() against simulate() ----------------------------------------------------------------------


@pytest.mark.parametrize(("rho", "target"), [(0.3, 0.05), (0.6, 0.05), (0.85, 0.1)])
def test_chain_p99_analysis_against_simulation(rho: float, target: float) -> None:
    a = analyze(chain(rho))
    assert all(t.utilisation == pytest.approx(rho) for t in a.capacity.values() if t.queued)
    model = a.paths[0].p99_ms
    assert model is not None
    result = simulate(a, seed=0, target_ci=target, time_budget_s=BUDGET)
    assert result.converged
    assert result.paths[0].model_p99_ms == pytest.approx(model)
    close(model, result, CHAIN_OVER_ALLOWANCE, UNDER_ALLOWANCE, f"3-tier chain at {rho:.0%}")


# ---- every way a request travels ----------------------------------------------------------------------------------


def test_every_tier_gets_the_load_the_analysis_gives_it() -> None:
    """Parallel branches, a cache skipping the db on a hit, db reached twice, three hedged shards: the visits ciw
    records per tier match the analysis's rates (hedged: +5% for the backups)."""
    a = analyze(rich())
    assert a.model is not None
    plan = make_plan(a.model, 1.0)
    run, _, _ = run_ciw(plan, 0, 0)
    start, end = plan.warmup_ms, plan.warmup_ms + plan.window_ms
    visits = Counter(r.node for r in run.get_all_records() if start <= r.arrival_date < end)
    ids = a.model.graph.ids
    assert ids[plan.tiers[0].block] == "gw"
    arrivals = visits[1]  # every request visits the gateway (node 1) once
    for i, tier in enumerate(plan.tiers):
        rate = visits[i + 1] / arrivals * 250.0  # per request entering, scaled to the peak
        want = plan.states[tier.block].rate
        assert rate == pytest.approx(want, rel=0.04), ids[tier.block]


def test_rich_design_p99_analysis_against_simulation() -> None:
    a = analyze(rich())
    model = a.paths[0].p99_ms
    assert model is not None
    result = simulate(a, seed=0, target_ci=0.1, time_budget_s=BUDGET)
    close(model, result, CHAIN_OVER_ALLOWANCE, UNDER_ALLOWANCE, "parallel, cache, shards, hedging, batching")


def test_a_cache_in_front_of_the_first_tier_enters_through_a_pass_through_node() -> None:
    """A managed cache before the first queued tier: whether a request reaches ciw's first tier is random, so
    requests enter through a zero-time node; half of them skip the tier."""
    d = design_of(
        [{"id": "app", "kind": "client"},
         {"id": "edge", "kind": "cache", "props": {"managed": True, "hit_rate": 0.5, "p50_ms": 1, "p99_ms": 3}},
         {"id": "svc", "kind": "api_gateway",
          "props": {"p50_ms": P50, "p99_ms": P99, "qps_per_replica": QPS, "replicas": 2}}],
        [{"id": "c1", "source": "app", "target": "edge", "flow": "request"},
         {"id": "c2", "source": "edge", "target": "svc", "flow": "request"}],
        requirements={"peak_qps": 2 * QPS * 0.6 * 2})  # svc at 60% after the 50% hits
    a = analyze(d)
    assert a.model is not None and a.capacity["svc"].utilisation == pytest.approx(0.6)
    plan = make_plan(a.model, 1.0)
    assert plan.needs_pass_through and plan.trees[0].first is None
    result = simulate(a, seed=0, target_ci=0.1, time_budget_s=BUDGET)
    model = a.paths[0].p99_ms
    assert model is not None
    close(model, result, MANY_SERVER_ALLOWANCE, UNDER_ALLOWANCE, "cache in front of a 2-server tier")
    p = result.paths[0]
    assert p.p50_ms is not None and p.p50_ms < P50  # half the requests only touch the cache


# ---- the contract -------------------------------------------------------------------------------------------------


def two_paths() -> Design:
    """Two clients; only the first calls the small tier (45% busy at the peak, saturated above 2.2× the peak)."""
    return design_of(
        [{"id": "web", "kind": "client", "props": {"traffic_share": 0.5}},
         {"id": "app", "kind": "client"},
         {"id": "gw", "kind": "api_gateway", "props": {"p50_ms": 1, "p99_ms": 3, "qps_per_replica": 2000,
                                                       "replicas": 2}},
         {"id": "small", "kind": "api_gateway", "props": {"p50_ms": 5, "p99_ms": 15, "qps_per_replica": 200,
                                                          "replicas": 1}},
         {"id": "big", "kind": "api_gateway", "props": {"p50_ms": 5, "p99_ms": 15, "qps_per_replica": 1000,
                                                        "replicas": 2}}],
        [{"id": "c1", "source": "web", "target": "gw", "flow": "request"},
         {"id": "c2", "source": "app", "target": "big", "flow": "request"},
         {"id": "c3", "source": "gw", "target": "small", "flow": "request"}],
        requirements={"peak_qps": 180})


def test_a_saturated_tier_leaves_its_paths_without_a_p99() -> None:
    a = analyze(two_paths())
    assert a.capacity["small"].saturation_load == pytest.approx(200 / 90)
    result = simulate(a, load=2.5, seed=0, target_ci=0.1, time_budget_s=BUDGET)  # small: 225 req/s > 200
    by_entry = {p.entry: p for p in result.paths}
    web, app = by_entry["web"], by_entry["app"]
    assert web.p99_ms is None and web.p50_ms is None and web.p99_ci_ms is None and web.model_p99_ms is None
    assert web.requests == 0 and web.latencies_ms == ()
    assert app.p99_ms is not None and app.model_p99_ms is not None and app.requests > 0
    assert result.converged  # the saturated path is known, not waited for


def test_progress_fields_determinism_and_global_random_state() -> None:
    a = analyze(one_tier(2, 0.3))
    calls: list[tuple[float, str]] = []
    random.seed(123)
    want = [random.random() for _ in range(3)]
    random.seed(123)
    first = simulate(a, seed=4, target_ci=0.1, time_budget_s=BUDGET, progress=lambda f, m: calls.append((f, m)))
    assert [random.random() for _ in range(3)] == want  # ciw's seeding did not leak into the caller's random
    fractions = [f for f, _ in calls]
    assert len(fractions) == first.replications + 1
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and fractions[-2] < 1.0
    assert all(m for _, m in calls)
    assert first.load == 1.0 and first.seed == 4 and first.replications >= sim.MIN_REPLICATIONS and first.converged
    assert first.seconds > 0 and first.simulated_seconds > 0 and first.note == sim.NOTE
    for p in first.paths:
        assert p.p50_ms is not None and p.p99_ms is not None and p.p99_ci_ms is not None
        assert 0 < p.p50_ms < p.p99_ms and p.p99_ci_ms <= 0.1 * p.p99_ms
        assert 0 < len(p.latencies_ms) <= sim.MAX_LATENCIES <= p.requests
        assert list(p.latencies_ms) == sorted(p.latencies_ms) and all(math.isfinite(x) for x in p.latencies_ms)
    again = simulate(a, seed=4, target_ci=0.1, time_budget_s=BUDGET)
    assert again.paths == first.paths and again.replications == first.replications
    other = simulate(a, seed=5, target_ci=0.1, time_budget_s=BUDGET)
    assert other.paths != first.paths


def test_a_design_without_traffic_has_nothing_to_simulate() -> None:
    d = design_of([{"id": "client", "kind": "client"}, {"id": "gw", "kind": "api_gateway"}],
                  [{"id": "c1", "source": "client", "target": "gw", "flow": "request"}])
    result = simulate(analyze(d), progress=lambda f, m: None)
    assert result.paths == () and result.replications == 0 and result.converged


@pytest.mark.parametrize("kwargs", [{"load": 0.0}, {"load": -1.0}, {"load": math.nan}, {"target_ci": 0.0},
                                    {"target_ci": 1.0}])
def test_bad_arguments(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        simulate(analyze(two_paths()), **kwargs)  # type: ignore[arg-type]


def test_student_t() -> None:
    assert sim.t975(1) == 12.706 and sim.t975(9) == 2.262 and sim.t975(1000) == 1.96
    with pytest.raises(ValueError):
        sim.t975(0)


# ---- python -m mlsd analyze FILE --simulate -----------------------------------------------------------------------


def _no_constants(name: str) -> None:
    raise AssertionError(f"{name} in JSON")


def test_cli_simulate_json_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "two.json"
    save_file(two_paths(), path)
    assert main(["analyze", str(path), "--simulate", "--format", "json", "--load", "1,3"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # stderr is not a terminal here: no progress bar
    data = json.loads(captured.out, parse_constant=_no_constants)
    run = data["simulation"]
    assert run["load"] == 1.0 and run["replications"] >= sim.MIN_REPLICATIONS and run["note"] == sim.NOTE
    by_entry = {p["entry"]: p for p in data["paths"]}
    for entry in ("web", "app"):
        got = by_entry[entry]["simulated"]
        assert got["p99_ms"] > got["p50_ms"] > 0 and got["p99_ci_ms"] > 0 and got["requests"] > 0
        assert got["model_p99_ms"] == pytest.approx(by_entry[entry]["p99_ms"][0])  # the closed form at 1×
        assert not got["saturated"]
    out = io.StringIO()
    analyze_cli.render_text(data, out)
    text = out.getvalue()
    assert text.count("simulated at 1×: p99 ") == 2 and "95% CI over replications" in text
    assert "\nSimulation: " in text and "replications" in text


def test_cli_without_simulate_runs_no_simulation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "two.json"
    save_file(two_paths(), path)
    assert main(["analyze", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "simulation" not in data and all("simulated" not in p for p in data["paths"])


def test_cli_progress_bar_only_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert analyze_cli._progress_bar(io.StringIO()) is None
    err = Terminal()
    show = analyze_cli._progress_bar(err)
    assert show is not None
    show(0.5, "replication 4")
    show(1.0, "converged")
    assert "50%" in err.getvalue() and "100%" in err.getvalue() and err.getvalue().endswith("\n")
