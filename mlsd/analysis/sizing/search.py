"""The sizing search's view of a design: its tiers, their knobs, and the constraints judged by the analysis models
with replicas replaced (see ``mlsd.analysis.sizing``).

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from dataclasses import replace

from mlsd.analysis.capacity import TierState, queued_services, tier_states
from mlsd.analysis.failures import evaluate, is_zone, places, region_of, scenarios, serving_entries
from mlsd.analysis.latency import Row
from mlsd.analysis.network import Analysis, LoadModel
from mlsd.analysis.paths import call_tree, is_serving_entry
from mlsd.analysis.service import HEDGE_EXTRA_LOAD, Service

Progress = Callable[[float, str], None]
STEP_SHARE = 0.05  # an SLA step adds 5% of a large tier's replicas (1 for a tier under 20)
MAX_SLA_STEPS = 400
MAX_ZONE_ROUNDS = 20
MAX_REPLICAS = 1_000_000  # the prop's own bound
SHORTLIST = 6  # candidate tiers judged on the paths' p99 at each SLA step (the rest by their own wait)
WAITS = 1e-4  # a tier whose P(wait) is below this at the load waits too rarely for replicas to cut a p99


class Search:
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
        self.tree_sets = {e: frozenset(tree) for e, tree in self.trees.items()}
        self._services: dict[tuple[int, int], Service] = {}
        self._base: tuple[dict[int, int], dict[int, TierState]] = ({}, {})
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

    def service_at(self, v: int, r: int) -> Service:
        """Tier v's service model with ``r`` replicas (its knob), made once per (tier, replicas)."""
        found = self._services.get((v, r))
        if found is None:
            s = self.m.services[v]
            assert s is not None
            if s.scales_in_time:
                found = replace(s, max_replicas=max(r, s.replicas))
            elif s.autoscaling:
                found = replace(s, replicas=r, max_replicas=max(r, s.max_replicas))
            else:
                found = replace(s, replicas=r, max_replicas=r)
            self._services[(v, r)] = found
        return found

    def variant(self, replicas: Mapping[int, int]) -> LoadModel:
        """The load model with these tiers' replicas (the analysis's draws reused)."""
        m = self.m
        services: list[Service | None] = list(m.services)
        for v, r in replicas.items():
            services[v] = self.service_at(v, r)
        new = copy.copy(m)
        new.services = services
        new.queued = queued_services(services)
        new._sampler = m.sampler  # same shape, same draws
        return new

    def states(self, replicas: Mapping[int, int]) -> dict[int, TierState]:
        """Every tier's queue at the load with these replicas. The last full set is kept, and a configuration
        that differs from it in a few tiers recomputes only those (a search step changes one tier)."""
        base_r, base = self._base
        changed = [v for v, r in replicas.items() if base_r.get(v) != r]
        if base and len(changed) <= len(replicas) // 4:
            out = dict(base)
            out.update(tier_states([(v, self.service_at(v, replicas[v])) for v in changed], self.rates,
                                   self.headroom))
            return out
        full = self.variant(replicas).states(self.rates)
        self._base = (dict(replicas), full)
        return full

    def sla_excess(self, configs: list[dict[int, int]]) -> list[dict[int, float]]:
        """For each configuration, the excess over the SLA (ms; inf when saturated) of each sync path over it."""
        if self.sla is None or not self.sync:
            return [{} for _ in configs]
        rows = [Row(self.states(r)) for r in configs]
        self.evaluations += len(configs)
        latency, _ = self.m.latency(rows, self.sync)
        out = []
        for i, row in enumerate(rows):
            hot = {v for v, st in row.states.items() if st.saturated and self.rates[v] > 0}
            over: dict[int, float] = {}
            for e in self.sync:
                p99 = latency[e][i].p99_ms
                if p99 is None or not hot.isdisjoint(self.tree_sets[e]):
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
            for v, hot in after.items():  # every tier the loss overloads, not only the first on each path
                s = mv.services[v]
                if v in replicas and hot.saturated and s is not None and hot.utilisation_after is not None:
                    rate = hot.utilisation_after * hot.replicas_after * (s.qps_per_replica or 0.0)
                    out.append((f.target, -1, "overloaded", v, rate))
            for p in f.paths:
                e = mv.index[p.entry]
                if p.state == "failing" and p.cause is not None:
                    v = mv.index[p.cause]
                    cut = after.get(v)
                    s = mv.services[v]
                    rate = 0.0
                    if cut is not None and cut.utilisation_after is not None and s is not None:
                        rate = cut.utilisation_after * cut.replicas_after * (s.qps_per_replica or 0.0)
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

        def enough(x: int) -> bool:  # survivors x − ceil(x·gone/n) carry the rate; grows with x
            return (x - math.ceil(x * gone / n)) * (s.qps_per_replica or 0.0) > rate

        r = max(current, math.ceil(rate / s.qps_per_replica * n / (n - gone)) - 2)
        while r > current and enough(r - 1):
            r -= 1
        while r < MAX_REPLICAS and not enough(r):
            r += 1
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
