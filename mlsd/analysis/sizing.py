"""Sizing: the cheapest replicas per tier that meet the SLA at peak × headroom, survive any single zone loss and
fit the budget — or which of these cannot be met, and by how much.

Here "component" means a placed block of a design (``mlsd.model.Component``).

The knobs are the design's own: the replicas of each self-run tier on a serving path (``replicas``; for a tier
that autoscales in time, ``max_replicas``: what it can reach at the peak, its floor is what runs all month). The
constraints are judged by the analysis models themselves (``network.LoadModel`` with the tier's replicas
replaced, ``latency`` for the p99, ``failures`` for zone losses), never by a second copy:
- **capacity** (CAP-1): each tier carries the peak × (1 + ``requirements.headroom``): ``replicas ≥
  ceil(peak × (1 + headroom) / qps_per_replica)``; this is where the search starts (the M/G/c model is stable
  there and below);
- **SLA**: every synchronous serving path's p99 at the peak × (1 + headroom), queueing included (M/G/c per tier,
  ``queueing``), is within ``requirements.sla_p99_ms``. Stricter than LAT-1 (at the peak), so a sized design
  passes LAT-1 too;
- **zone loss** (REL-3's what-if): after losing any one zone (or, when the design serves several regions, any
  one of them), no serving path fails (a path a fallback answers counts as alive);
- **budget** (CAP-8): the monthly cost of the result is within ``requirements.budget_per_month``.

The search is deterministic: (1) each tier at its capacity bound; (2) while a path is over the SLA, add replicas
to the tier on it whose extra replicas cut the paths' excess most per dollar (all candidates evaluated in one
pass of the sampler; a step is 1 replica, or 5% of a large tier); (3) while a zone loss overloads a tier, give it
the replicas whose survivors carry the peak (an autoscaling ceiling that already reaches the peak is "kept": it is
billed at its floor, so lowering it would save nothing); (4) every tier raised above its capacity bound is cut back by
bisection to the fewest replicas that keep (2) and (3); (5) the budget is checked. Greedy coordinate descent
is not a proof of optimality, but every tier ends where one replica fewer breaks a named constraint (its
``binding``), which tests check. What replicas cannot fix is reported with the shortfall: a path whose p99 is
over the SLA even with no queueing (the floor is its light-load p99), a tier that runs only in the lost zone
with nothing answering for it, a cost over the budget.

Kept as declared, and why: ``shards`` (every shard receives every request in the model, so more shards only
add fan-out and cost; the data's size decides them, which the model does not know), ``batch_size`` (the model
charges a batch its fill wait and credits it no throughput, so changing it would be a latency gain the model
cannot price), cache hit rates (no achievable rate is declared in the catalog's props), managed services (the
provider sizes them; CAP-9 holds their declared ceiling).

Checked against something outside this code: ``tests/test_sizing.py`` sizes a one-tier design and compares the
tier's replicas with the Erlang C count computed from the textbook formula, and the sized design passes CAP-1,
LAT-1 and REL-3 of the checklists.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from mlsd import edit
from mlsd.analysis.capacity import queued_services
from mlsd.analysis.failures import evaluate, is_zone, places, region_of, scenarios, serving_entries
from mlsd.analysis.latency import Row
from mlsd.analysis.network import Analysis, LoadModel, analyze
from mlsd.analysis.paths import call_tree, is_serving_entry
from mlsd.analysis.queueing import erlang_c_one
from mlsd.analysis.service import HEDGE_EXTRA_LOAD, Service
from mlsd.model import Design

Progress = Callable[[float, str], None]
STEP_SHARE = 0.05  # an SLA step adds 5% of a large tier's replicas (1 for a tier under 20)
MAX_SLA_STEPS = 400
MAX_ZONE_ROUNDS = 20
MAX_REPLICAS = 1_000_000  # the prop's own bound


@dataclass(frozen=True)
class TierChange:
    """One tier's knob before and after, and the constraint that one replica fewer would break."""

    block: str
    prop: str  # "replicas" or "max_replicas"
    old: int
    new: int
    binding: str  # "capacity", "sla", "zone", "floor" (1 replica, the least a tier runs) or "kept" (below)
    month_per_replica: float  # what one more replica costs a month (0 for an autoscaling ceiling)


@dataclass(frozen=True)
class Shortfall:
    """A constraint the knobs cannot meet: which, on what, and by how much (in ``unit``)."""

    constraint: str  # "sla", "zone", "budget"
    subject: str  # the path entry, the zone, or "design"
    by: float
    unit: str
    message: str


@dataclass
class SizingResult:
    """The cheapest configuration found (``after``), its changes and costs, and what cannot be met."""

    before: Design
    after: Design
    changes: list[TierChange]
    tiers: list[TierChange]  # every sized tier (changed or not), with its binding constraint
    cost_before: float
    cost_after: float
    budget: float | None
    load: float  # the multiple of the peak the SLA is judged at (1 + headroom)
    shortfalls: list[Shortfall] = field(default_factory=list)
    evaluations: int = 0
    seconds: float = 0.0

    @property
    def feasible(self) -> bool:
        return not self.shortfalls


class _Search:
    """The state of one search: the model, the tiers, their replicas, and the evaluations made."""

    def __init__(self, analysis: Analysis, progress: Progress | None) -> None:
        m = analysis.model
        if m is None:
            raise ValueError("this analysis carries no load model")
        self.m = m
        self.analysis = analysis
        self.progress = progress
        self.headroom = m.headroom
        self.load = 1.0 + self.headroom
        req = m.design.requirements
        self.sla = req.sla_p99_ms
        self.required = list(dict.fromkeys(r.strip().lower() for r in req.regions if r.strip()))
        entries = serving_entries(m)
        comps = m.design.components
        self.sync = [e for e in entries if e not in m.asynchronous and is_serving_entry(comps[e])]
        self.trees = {e: call_tree(e, m.graph)[0] for e in entries}
        on_path = sorted({v for tree in self.trees.values() for v in tree})
        self.tiers = [v for v in on_path if (s := m.services[v]) is not None and s.queued]
        self.rates = m.rates(self.load)
        self.unit = {v: self._unit_cost(v) for v in self.tiers}
        self.evaluations = 0
        self.slow_before = {m.index[p.entry] for p in analysis.paths if p.over_sla}  # LAT-1's, not a zone loss's

    def _unit_cost(self, v: int) -> float:
        s = self.m.services[v]
        assert s is not None
        if s.scales_in_time:
            return 0.0
        block = self.m.parts.ids[v]
        for line in self.analysis.cost:
            if line.block == block and line.billed == "hours" and s.replicas > 0:
                return line.compute_per_month / s.replicas
        return 0.0

    def prop(self, v: int) -> str:
        s = self.m.services[v]
        return "max_replicas" if s is not None and s.scales_in_time else "replicas"

    def declared(self, v: int) -> int:
        s = self.m.services[v]
        assert s is not None
        return s.max_replicas if s.scales_in_time else s.replicas

    def capacity_bound(self, v: int) -> int:
        """The fewest replicas with which the tier carries the peak × (1 + headroom) (CAP-1's count), at least
        one more when that leaves it exactly full (its queue is then unstable)."""
        s = self.m.services[v]
        assert s is not None and s.qps_per_replica
        rate = self.m.peak_rates[v] * (1.0 + HEDGE_EXTRA_LOAD if s.hedged else 1.0)
        wanted = rate * self.load / s.qps_per_replica
        need = max(1, math.ceil(round(wanted, 9)))
        return min(need + 1 if need * s.qps_per_replica <= rate * self.load else need, MAX_REPLICAS)

    def variant(self, replicas: Mapping[int, int]) -> LoadModel:
        """The load model with these tiers' replicas (the analysis's draws reused)."""
        m = self.m
        services: list[Service | None] = list(m.services)
        for v, r in replicas.items():
            s = services[v]
            assert s is not None
            if s.scales_in_time:
                services[v] = replace(s, max_replicas=max(r, s.replicas))
            elif s.autoscaling:
                services[v] = replace(s, replicas=r, max_replicas=max(r, s.max_replicas))
            else:
                services[v] = replace(s, replicas=r, max_replicas=r)
        new = copy.copy(m)
        new.services = services
        new.queued = queued_services(services)
        new._sampler = m.sampler  # same shape, same draws
        return new

    def sla_excess(self, configs: list[dict[int, int]]) -> list[dict[int, float]]:
        """For each configuration, the excess over the SLA (ms; inf when saturated) of each sync path over it."""
        if self.sla is None or not self.sync:
            return [{} for _ in configs]
        rows = []
        for r in configs:
            mv = self.variant(r)
            rows.append(Row(mv.states(self.rates)))
        self.evaluations += len(configs)
        latency, _ = self.m.latency(rows, self.sync)
        out = []
        for i in range(len(configs)):
            over: dict[int, float] = {}
            for e in self.sync:
                p99 = latency[e][i].p99_ms
                tree = self.trees[e]
                hot = any((st := rows[i].states.get(v)) is not None and st.saturated and self.rates[v] > 0
                          for v in tree)
                if hot or p99 is None:
                    over[e] = math.inf
                elif p99 > self.sla:
                    over[e] = p99 - self.sla
            out.append(over)
        return out

    def zone_failures(self, replicas: Mapping[int, int]) -> list[tuple[str, int, str, int, float]]:
        """What any single zone loss breaks, as (place, path entry, cause, tier, rate after): "overloaded" (the
        tier's survivors cannot carry the peak), "down" (the tier is lost: "spread" when it also runs elsewhere,
        so that more replicas keep some), "slow" (the path is kept but over the SLA; the tier is the busiest one
        left on it). Paths a fallback answers count when the tier's own replicas could have kept it up (REL-3
        counts them)."""
        mv = self.variant(replicas)
        todo = [sc for sc in scenarios(mv, ("zone",))
                if is_zone(sc.target) or (len(self.required) > 1 and sc.target in self.required)]
        if not todo:
            return []
        self.evaluations += 1
        out = []
        for f in evaluate(mv, todo):
            after = {mv.index[t.block]: t for t in f.tiers}
            for b in f.lost:
                v = mv.index[b]
                if v in replicas and self.spread(v, f.target):
                    out.append((f.target, -1, "spread", v, mv.peak_rates[v]))
            for p in f.paths:
                e = mv.index[p.entry]
                if p.state == "failing" and p.cause is not None:
                    v = mv.index[p.cause]
                    t = after.get(v)
                    s = mv.services[v]
                    rate = 0.0
                    if t is not None and t.utilisation_after is not None and s is not None:
                        rate = t.utilisation_after * t.replicas_after * (s.qps_per_replica or 0.0)
                    out.append((f.target, e, p.cause_kind, v, rate))
                elif p.over_sla and e in self.sync and e not in self.slow_before:
                    busy = [(t.utilisation_after or 0.0, v) for v, t in after.items()
                            if v in replicas and v in self.trees[e]]
                    if busy:
                        out.append((f.target, e, "slow", max(busy)[1], 0.0))
        return out

    def _where(self, v: int, place: str) -> tuple[int, int]:
        """(places the tier runs in, how many of them losing ``place`` takes)."""
        where = [p.strip().lower() for p in places(self.m.parts.props[v])] or self.required
        return len(where), sum(1 for p in where if p == place or region_of(p) == place)

    def spread(self, v: int, place: str) -> bool:
        """Whether the tier runs somewhere besides ``place`` (so that replicas can keep it up)."""
        n, gone = self._where(v, place)
        return 0 < gone < n

    def survivors_bound(self, v: int, place: str, rate: float, current: int) -> int:
        """The fewest replicas (from ``current``) whose survivors of losing ``place`` carry ``rate``."""
        s = self.m.services[v]
        assert s is not None and s.qps_per_replica
        n, gone = self._where(v, place)
        if not n or gone >= n:
            return current
        r = current
        while r < MAX_REPLICAS and (r - math.ceil(r * gone / n)) * s.qps_per_replica <= rate:
            r += max(1, r // 50)
        return r

    def holds(self, replicas: dict[int, int]) -> str | None:
        """The first constraint these replicas break ("sla", "zone"), or None."""
        if self.sla_excess([replicas])[0]:
            return "sla"
        if any(kind in ("overloaded", "spread", "slow") or (kind == "down" and self.spread(v, place))
               for place, _, kind, v, _ in self.zone_failures(replicas)):
            return "zone"
        return None

    def title(self, v: int) -> str:
        """A block's title, quoted, for messages."""
        return f"'{self.m.design.components[v].title}'"

    def say(self, fraction: float, message: str) -> None:
        if self.progress is not None:
            self.progress(min(max(fraction, 0.0), 1.0), message)


def size(design: Design, analysis: Analysis | None = None, progress: Progress | None = None) -> SizingResult:
    """The cheapest replicas per tier that hold (see the module docstring); ``progress(fraction, message)`` is
    called as the search goes."""
    started = time.perf_counter()
    a = analysis or analyze(design)
    sr = _Search(a, progress)
    m = sr.m
    ids = m.parts.ids
    shortfalls: list[Shortfall] = []
    sr.say(0.05, f"capacity bound of {len(sr.tiers)} tiers")
    lower = {v: sr.capacity_bound(v) for v in sr.tiers}
    kept = {v for v in sr.tiers if sr.prop(v) == "max_replicas" and sr.declared(v) >= lower[v]}
    lower.update({v: sr.declared(v) for v in kept})  # an autoscaling ceiling that reaches the peak costs nothing
    r = dict(lower)
    raised: dict[int, str] = {}

    # (2) the SLA at peak × (1 + headroom)
    hopeless: set[int] = set()
    if sr.sla is not None:
        for p in a.paths:
            e = m.index[p.entry]
            if e in sr.sync and p.light_p99_ms > sr.sla:
                hopeless.add(e)
                shortfalls.append(Shortfall(
                    "sla", p.entry, p.light_p99_ms - sr.sla, "ms",
                    f"path from {sr.title(e)}: p99 {p.light_p99_ms:,.1f} ms with no queueing at all (light load), "
                    f"{p.light_p99_ms - sr.sla:,.1f} ms over the {sr.sla:g} ms SLA; replicas cannot remove service "
                    "time: shorten the critical chain (explain --path shows where the time goes)"))
    for step in range(MAX_SLA_STEPS):
        over = {e: x for e, x in sr.sla_excess([r])[0].items() if e not in hopeless}
        sr.say(0.1 + 0.5 * step / MAX_SLA_STEPS, f"SLA: {len(over)} paths over at {sr.load:g}× peak")
        if not over:
            break
        cands = sorted({v for e in over for v in sr.trees[e] if v in r})
        configs = [{**r, v: min(r[v] + max(1, int(r[v] * STEP_SHARE)), MAX_REPLICAS)} for v in cands]
        results = sr.sla_excess(configs)
        best, best_score = None, 0.0
        for v, res in zip(cands, results, strict=True):
            gain = sum(min(x, 1e9) - min(res.get(e, 0.0), 1e9) for e, x in over.items())
            if gain <= 1e-9:
                continue
            added = configs[cands.index(v)][v] - r[v]
            score = gain / (sr.unit[v] * added + 1e-6)
            if score > best_score:
                best, best_score = v, score
        if best is None:
            for e, x in over.items():
                shortfalls.append(Shortfall(
                    "sla", ids[e], x, "ms", f"path from {sr.title(e)}: {x:,.1f} ms over the {sr.sla:g} ms SLA at "
                    f"{sr.load:g}× peak and no tier's replicas bring it down"))
            break
        r[best] = configs[cands.index(best)][best]
        raised[best] = "sla"

    # (3) any single zone loss
    down_seen: set[tuple[str, int]] = set()
    for round_ in range(MAX_ZONE_ROUNDS):
        sr.say(0.6 + 0.2 * round_ / MAX_ZONE_ROUNDS, "zone losses")
        failing = sr.zone_failures(r)
        changed = False
        for place, entry, kind, v, rate in failing:
            want = r.get(v, 0)
            if kind == "overloaded" and v in r:
                want = sr.survivors_bound(v, place, rate, r[v])
            elif kind == "spread" or (kind == "down" and v in r and sr.spread(v, place)):
                want = sr.survivors_bound(v, place, sr.m.peak_rates[v], max(r[v], 1))
                want = max(want, r[v] + 1)  # at least one replica left in the other places
            elif kind == "slow" and v in r:
                want = r[v] + max(1, int(r[v] * STEP_SHARE))
            elif kind == "down" and (place, v) not in down_seen:
                down_seen.add((place, v))
                shortfalls.append(Shortfall(
                    "zone", place, 1.0, "zone", f"losing {place} takes down {sr.title(v)} (all its replicas run "
                    f"there) and nothing answers for it on the path from {sr.title(entry)}: replicas cannot fix "
                    "it; run it in one more zone, or give it a fallback"))
            if v in r and want > r[v]:
                r[v] = min(want, MAX_REPLICAS)
                raised[v] = "zone"
                changed = True
        if not changed:
            break

    # (4) cut back what (2) and (3) raised, by bisection, the dearest first
    binding: dict[int, str] = {}
    order = sorted(raised, key=lambda v: (-sr.unit[v], v))
    for i, v in enumerate(order):
        sr.say(0.8 + 0.15 * i / max(len(order), 1), f"trimming {ids[v]}")
        lo, hi = lower[v], r[v]  # hi holds
        broken = None
        while hi - lo > 0:
            mid = (lo + hi) // 2
            why = sr.holds({**r, v: mid})
            if why is None:
                hi = mid
            else:
                lo, broken = mid + 1, why
        r[v] = hi
        if hi > lower[v]:
            binding[v] = broken or sr.holds({**r, v: hi - 1}) or raised[v]
    for v in sr.tiers:
        if v not in binding:
            binding[v] = "kept" if v in kept else "floor" if r[v] == 1 else "capacity"

    # (5) the result, its cost and the budget
    sr.say(0.95, "building the sized design")
    after = design
    tiers = []
    for v in sr.tiers:
        old = sr.declared(v)
        change = TierChange(ids[v], sr.prop(v), old, r[v], binding[v], sr.unit[v])
        tiers.append(change)
        if r[v] != old:
            after = edit.set_prop(after, ids[v], change.prop, r[v])
    sized = analyze(after, samples=m.samples, seed=m.seed) if after is not design else a
    budget = design.requirements.budget_per_month
    if budget is not None and sized.cost_per_month > budget:
        extra = sized.cost_per_month - budget
        shortfalls.append(Shortfall("budget", "design", extra, "USD/month",
                                    f"the cheapest configuration that holds costs ${sized.cost_per_month:,.0f} a "
                                    f"month, ${extra:,.0f} over the ${budget:,.0f} budget"))
    sr.say(1.0, "done")
    return SizingResult(design, after, [t for t in tiers if t.old != t.new], tiers, a.cost_per_month,
                        sized.cost_per_month, budget, sr.load, shortfalls, sr.evaluations,
                        time.perf_counter() - started)


def erlang_c_servers(rate: float, per_server: float, wait_target: float = 0.01) -> int:
    """The fewest M/M/c servers of ``per_server`` req/s that keep P(wait) ≤ ``wait_target`` at ``rate``: the
    textbook staffing question (Kleinrock vol. 1, §3.5), for cross-checks."""
    a = rate / per_server
    c = max(1, math.floor(a) + 1)
    while erlang_c_one(c, a) > wait_target:
        c += 1
    return c
