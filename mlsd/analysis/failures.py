"""Failure what-ifs: lose one replica of a tier, one zone or region, or one block, and recompute the peak.

Here "component" means a placed block of a design (``mlsd.model.Component``).

For every single failure the load, the replicas, each tier's queue and each serving path's p99 at the peak are
recomputed (``network.LoadModel``, with the same random draws as the analysis, on ``WHAT_IF_SAMPLES`` samples
per block), and each path gets a state:
- **failing**: a block it needs is down and nothing answers in its place, or a tier it reaches is saturated;
- **degraded**: a block it calls is down but a fallback answers (the block sets ``fallback: true``, its caller
  has a fallback connection (``Connection.fallback``: called only when the caller's other calls fail), or a
  cache, heuristic baseline or logistic regression is called by the same caller, or is the cache in front of
  it); its subtree is skipped. The fallback connection's target carries no load in the what-if either (its
  load on failure and the degraded path's latency are LAT-9's);
- **kept**: everything it needs still runs (it may still be slower, or over the SLA: ``over_sla`` says; an
  asynchronous path has no SLA, only its saturation counts).
Clients and shadow deployments are not tiers a request waits on, and a fallback model called beside a primary
(a popular-items baseline next to the ranker) is a safety net: losing it leaves the path kept. A lost cache
passes every request on to what it fronts (the thundering herd a cache outage causes).

Failure domains and placement: a tier's ``regions`` lists the zones or regions its replicas run in (zone names
such as eu-west-1a belong to region eu-west-1), spread evenly, so losing k of its n places loses
``ceil(replicas × k / n)`` replicas, and all of them when every place is lost. A tier that lists none runs in
``requirements.regions`` when the design lists some, else its placement is unknown and no zone loss touches it.
Managed services are multi-zone. The replicas lost are those running at the peak; autoscaling replaces them
only after its scale-up delay, so the state shown is the one right after the failure.
Source: Google SRE book ch. 22 (cascading failures: N+1, losing a datacenter); AWS Well-Architected, Reliability
pillar (static stability: survive the loss of a zone without scaling).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from mlsd.analysis.capacity import TierState
from mlsd.analysis.latency import Row
from mlsd.analysis.network import Analysis, LoadModel
from mlsd.analysis.paths import call_tree, is_serving_entry
from mlsd.catalog import KINDS
from mlsd.catalog.props import PropValue

State = Literal["kept", "degraded", "failing"]
FailureKind = Literal["replica", "zone", "block"]
WHAT_IF_SAMPLES = 4_000
NOT_CRITICAL_KINDS = frozenset({"client", "shadow_deployment"})
FALLBACK_KINDS = frozenset({"cache", "heuristic_baseline", "logistic_regression"})  # a simpler model is a fallback
_AWS_ZONE = re.compile(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$")  # eu-west-1a -> eu-west-1
_GCP_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")  # europe-west1-b -> europe-west1
SEVERITY: dict[str, int] = {"kept": 0, "degraded": 1, "failing": 2}
PRIMARY = frozenset({"models", "serving"})  # categories of the blocks a fallback stands in for
SELF_CONTAINED_KINDS = frozenset({"heuristic_baseline", "cache", "cdn"})  # answer without the primary's inputs


def region_of(zone: str) -> str:
    """The region a zone name belongs to (AWS and GCP zone names); other names are taken as regions."""
    text = zone.strip().lower()
    for pattern in (_AWS_ZONE, _GCP_ZONE):
        m = pattern.match(text)
        if m:
            return m.group(1)
    return text


def is_zone(name: str) -> bool:
    """Whether a place name is a zone (eu-west-1a, europe-west1-b) rather than a region."""
    return region_of(name) != name.strip().lower()


def places(props: dict[str, PropValue]) -> list[str]:
    """A block's own ``regions`` prop as a list (empty when absent)."""
    value = props.get("regions")
    return [v for v in value if v.strip()] if isinstance(value, list) else []


Cause = Literal["", "down", "answered", "overloaded"]


@dataclass(frozen=True)
class PathOutcome:
    """One serving path after a failure."""

    entry: str
    state: State
    p99_ms: float | None  # at peak; None when failing for a saturated tier or a lost block
    over_sla: bool
    reason: str  # why it is degraded or failing, blocks named by their titles ("" when kept)
    cause: str | None = None  # the block the reason is about (id)
    cause_kind: Cause = ""  # down (nothing answers), answered (a fallback answers), overloaded
    answered_by: str | None = None  # for "answered": the block that answers (a fallback block, or a caller whose
    # fallback answers for it), or None for the lost block's own fallback
    utilisation: float | None = None  # for "overloaded": the tier's utilisation
    callers_fallback: bool = False  # for "answered": answered_by is a caller whose own fallback answers


@dataclass(frozen=True)
class TierAfter:
    """A tier whose replicas or load a failure changed."""

    block: str
    replicas_before: int
    replicas_after: int
    utilisation_before: float
    utilisation_after: float | None  # None when the tier is down

    @property
    def saturated(self) -> bool:
        return self.utilisation_after is not None and self.utilisation_after >= 1.0


@dataclass(frozen=True)
class Failure:
    """One single failure and what it does at the peak."""

    kind: FailureKind
    target: str  # the block (replica, block) or the zone/region
    lost: tuple[str, ...]  # blocks entirely down
    tiers: tuple[TierAfter, ...]
    paths: tuple[PathOutcome, ...]

    @property
    def domain(self) -> str:
        """What was lost, in words: "replica", "block", "zone" or "region" (a zone-kind failure of a region)."""
        if self.kind == "zone" and not is_zone(self.target):
            return "region"
        return self.kind

    @property
    def worst(self) -> State:
        return max((p.state for p in self.paths), key=SEVERITY.__getitem__, default="kept")

    @property
    def worst_path(self) -> PathOutcome | None:
        """The path that fares worst: by state, then over the SLA, then the slowest."""
        if not self.paths:
            return None
        return max(self.paths, key=lambda p: (SEVERITY[p.state], p.over_sla,
                                              float("inf") if p.p99_ms is None else p.p99_ms))


@dataclass(frozen=True)
class _Scenario:
    kind: FailureKind
    target: str
    replicas: dict[int, int]
    lost: frozenset[int]


def fallback_of(m: LoadModel, v: int) -> tuple[bool, int | None]:
    """What answers when block v is down: (True, None) for its own fallback (``fallback: true``), (True, w) for
    a fallback block w its caller also calls (a popular-items baseline next to the model) or a cache in front of
    it (which still answers its hits), (False, None) for nothing. Blocks v calls itself cannot answer for it."""
    s = m.services[v]
    if s is not None and s.fallback:
        return True, None
    callers = m.callers[v]
    for caller in callers:  # a fallback connection of the caller answers for its other calls it can stand in for
        for w in m.graph.fallbacks.get(caller, ()):
            if w != v and _stands_in(m, w, v):
                return True, w
    near = [w for caller in callers for w in m.graph.kids[caller]] + list(callers)
    for w in near:
        if w != v and m.parts.kinds[w] in FALLBACK_KINDS:
            return True, w
    return False, None


def _outcome(m: LoadModel, tree: Sequence[int], down: frozenset[int], states: Mapping[int, TierState],
             rates: Sequence[float]) -> PathOutcome:
    """The state of one path (entry, p99 and SLA left blank) and why."""
    kept = PathOutcome("", "kept", None, False, "")
    found = kept
    inside = set(tree)
    for v in tree:
        if v in down and m.parts.kinds[v] not in NOT_CRITICAL_KINDS and not _standby(m, v):
            answers, by, via = _answered(m, v, inside)
            if not answers:
                return PathOutcome("", "failing", None, False, f"{_title(m, v)} is down and nothing answers in its "
                                   "place", m.parts.ids[v], "down")
            if found is kept:
                who = (f"the fallback of {_title(m, via)}" if by is None and via != v else "its fallback"
                       if by is None else _title(m, by))
                helper = by if by is not None else via if via != v else None
                found = PathOutcome("", "degraded", None, False, f"{_title(m, v)} is down; {who} answers",
                                    m.parts.ids[v], "answered", None if helper is None else m.parts.ids[helper],
                                    callers_fallback=by is None and via != v)
    hot = [v for v in tree if v not in down and (st := states.get(v)) is not None and st.saturated and rates[v] > 0]
    if hot:
        worst = max(hot, key=lambda v: states[v].utilisation)
        busy = states[worst].utilisation
        return PathOutcome("", "failing", None, False, f"{_title(m, worst)} is overloaded ({busy:.0%} of its "
                           "capacity)", m.parts.ids[worst], "overloaded", utilisation=busy)
    return found


def _answered(m: LoadModel, v: int, inside: set[int]) -> tuple[bool, int | None, int]:
    """Whether something answers for lost block v: its own fallback or one next to it, else the fallback of a
    caller on the path that v's failure makes fail (the nearest first). Returns (answers, fallback block or None
    for a ``fallback: true``, the block whose fallback it is)."""
    seen = {v}
    level = [v]
    while level:
        nxt = []
        for u in level:
            answers, by = fallback_of(m, u)
            if answers:
                return True, by, u
            nxt += [c for c in m.callers[u] if c in inside and c not in seen]
        seen.update(nxt)
        level = nxt
    return False, None, v


def _stands_in(m: LoadModel, fallback: int, v: int) -> bool:
    """Whether a fallback connection's target can answer when v is down: a self-contained answer (a popular-items
    baseline, a cache) stands in for any call; a fallback model needs the same inputs as the primary (its
    candidates, its features) and does the primary model's job only, so it stands in only for a model, not for
    the stores, indexes, retrieval or re-ranking it would itself need."""
    if m.parts.kinds[fallback] in SELF_CONTAINED_KINDS:
        return True
    return KINDS[m.parts.kinds[v]].category == "models"


def _standby(m: LoadModel, v: int) -> bool:
    """A fallback block (heuristic baseline, logistic regression) called beside a primary model: when it is down
    the primary still answers; only the safety net is gone."""
    if m.parts.kinds[v] not in FALLBACK_KINDS or m.parts.kinds[v] == "cache":
        return False
    return any(w != v and m.parts.kinds[w] not in FALLBACK_KINDS and KINDS[m.parts.kinds[w]].category in PRIMARY
               for caller in m.callers[v] for w in m.graph.kids[caller])


def _title(m: LoadModel, v: int) -> str:
    return f"'{m.design.components[v].title}'"


def serving_entries(m: LoadModel) -> list[int]:
    """The entries whose paths are judged: those given a share of the peak (all user-facing entries when the
    design declares no peak, so that lost blocks are still found)."""
    if m.entry_rates:
        return [e for e in m.graph.entries if m.entry_rates.get(e, 0.0) > 0]
    comps = m.design.components
    return [e for e in m.graph.entries if is_serving_entry(comps[e])]


def _tiers_on_paths(m: LoadModel, entries: Sequence[int]) -> list[int]:
    seen: dict[int, None] = {}
    for e in entries:
        for v in call_tree(e, m.graph)[0]:
            seen[v] = None
    return sorted(seen)


def scenarios(m: LoadModel, kinds: Sequence[FailureKind] = ("replica", "zone", "block")) -> list[_Scenario]:
    """Every single failure of the kinds asked for, on blocks of serving paths."""
    entries = serving_entries(m)
    blocks = _tiers_on_paths(m, entries)
    peak = m.states(m.rates(1.0))
    out: list[_Scenario] = []
    if "replica" in kinds:
        for v in blocks:
            st = peak.get(v)
            if st is not None and st.replicas >= 2:
                out.append(_Scenario("replica", m.parts.ids[v], {v: st.replicas - 1}, frozenset()))
    if "zone" in kinds:
        for zone, (cut, lost) in _zones(m, blocks, peak).items():
            out.append(_Scenario("zone", zone, cut, lost))
    if "block" in kinds:
        for v in blocks:
            if m.parts.kinds[v] != "client":
                out.append(_Scenario("block", m.parts.ids[v], {}, frozenset({v})))
    return out


def _zones(m: LoadModel, blocks: Sequence[int], peak: Mapping[int, TierState]
           ) -> dict[str, tuple[dict[int, int], frozenset[int]]]:
    required = [r.strip().lower() for r in m.design.requirements.regions if r.strip()]
    placed: dict[int, list[str]] = {}
    domains: dict[str, None] = dict.fromkeys(required)
    for v in blocks:
        s = m.services[v]
        if s is None or s.managed or m.parts.kinds[v] in NOT_CRITICAL_KINDS:
            continue
        where = [p.strip().lower() for p in places(m.parts.props[v])] or required
        if not where:
            continue
        placed[v] = where
        for p in where:
            domains.setdefault(p, None)
            domains.setdefault(region_of(p), None)
    out: dict[str, tuple[dict[int, int], frozenset[int]]] = {}
    for d in domains:
        cut: dict[int, int] = {}
        lost: set[int] = set()
        for v, where in placed.items():
            gone = sum(1 for p in where if p == d or region_of(p) == d)
            if not gone:
                continue
            if gone == len(where):
                lost.add(v)
                continue
            st = peak.get(v)
            s = m.services[v]
            running = st.replicas if st is not None else s.replicas if s is not None else 1
            left = running - math.ceil(running * gone / len(where))
            if left <= 0:
                lost.add(v)
            else:
                cut[v] = left
        if cut or lost:
            out[d] = (cut, frozenset(lost))
    return out


def what_if(analysis: Analysis, kinds: Sequence[FailureKind] = ("replica", "zone", "block"),
            only: Sequence[str] | None = None) -> tuple[Failure, ...]:
    """Every single failure of ``kinds`` (or those whose target is in ``only``) and its effect at the peak."""
    m = analysis.model
    if m is None:
        raise ValueError("this analysis carries no load model")
    todo = [s for s in scenarios(m, kinds) if only is None or s.target in only]
    return evaluate(m, todo)


def evaluate(m: LoadModel, todo: Sequence[_Scenario]) -> tuple[Failure, ...]:
    """The effect of each scenario at the peak (all evaluated in one pass of the sampler)."""
    if not todo:
        return ()
    entries = serving_entries(m)
    trees = {e: call_tree(e, m.graph)[0] for e in entries}
    base_rates = m.rates(1.0)
    base = m.states(base_rates)
    sla = m.design.requirements.sla_p99_ms
    rows: list[Row] = []
    setups = []
    for sc in todo:
        lost = set(sc.lost)
        bypassed = frozenset(v for v in lost if m.parts.kinds[v] in ("cache", "cdn") and m.graph.kids[v])
        down = frozenset(lost - bypassed)
        rates = m.rates(1.0, cut=down, hit=dict.fromkeys(bypassed, 0.0))
        states = m.states(rates, {**{v: st.replicas for v, st in base.items()}, **sc.replicas})
        rows.append(Row(states, down, bypassed))
        setups.append((down, bypassed, rates, states))
    latency, _ = m.latency(rows, entries, limit=WHAT_IF_SAMPLES)
    out = []
    for i, sc in enumerate(todo):
        down, bypassed, rates, states = setups[i]
        outcomes = []
        for e in entries:
            outcome = _outcome(m, trees[e], down, states, rates)
            p99 = latency[e][i].p99_ms if outcome.state != "failing" else None
            over = sla is not None and e not in m.asynchronous and (p99 is None or p99 > sla)
            outcomes.append(replace(outcome, entry=m.parts.ids[e], p99_ms=p99, over_sla=over))
        tiers = []
        for v, st in states.items():
            before = base.get(v)
            if before is None:
                continue
            changed = st.replicas != before.replicas or abs(st.rate - before.rate) > 1e-9 * max(before.rate, 1.0)
            if v in down or v in sc.replicas or changed:
                tiers.append(TierAfter(m.parts.ids[v], before.replicas, 0 if v in down else st.replicas,
                                       before.utilisation, None if v in down else st.utilisation))
        out.append(Failure(sc.kind, sc.target, tuple(m.parts.ids[v] for v in sorted(sc.lost)), tuple(tiers),
                           tuple(outcomes)))
    return tuple(out)
