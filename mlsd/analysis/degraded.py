"""Degraded paths: the latency of a request when a call fails and its caller's fallback connection answers.

Here "component" means a placed block of a design (``mlsd.model.Component``).

A block S with a fallback connection to B (``Connection.fallback``: called only when S's other calls fail) calls
B after one of its other calls, A, has failed. The request then waits for A until S gives up on it,
``min(timeout, p99)``: S's ``timeout_ms`` when it has one (a hung call is cut there), else A's call's declared
p99 (a call without a timeout is taken to fail no later than its p99, the optimistic reading; REL-4 asks for the
timeout); then it waits for B, B's declared p99 plus, when B calls other blocks, their declared sums. The
degraded path's budget is the path's conservative budget (declared p99s summed along sequential calls, the
slowest of parallel ones: ``RequestPath.p99_sum_ms``) with A's call replaced by that wait plus B's time,
recomputed up through S's callers. The degraded p99 reported is the path's modelled p99 at peak plus what the
substitution adds to the budget (the budget alone overstates a chain's p99: see LAT-1).
Only the failure of one call at a time is computed; B's load when it answers for A (A's whole rate) is not
sized here. Source: Google SRE book ch. 22 (deadlines and degraded responses); Nygard, Release It! (timeouts,
fallbacks); Dean & Barroso, The Tail at Scale (CACM 2013).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from mlsd.analysis.network import LoadModel
from mlsd.analysis.paths import Parts
from mlsd.analysis.service import SERVICE_PROPS, Service, service_of
from mlsd.catalog import KINDS


@dataclass(frozen=True)
class Degraded:
    """One call answered by a fallback on one path (positions in the design)."""

    entry: int
    source: int  # the block whose call fails and whose fallback connection answers
    failed: int  # the call that fails
    fallback: int  # the fallback connection's target
    wait_ms: float  # how long the source waits for the failed call: min(timeout, its p99)
    fallback_ms: float  # the fallback's declared p99 (with what it calls)
    added_ms: float  # what the substitution adds to the path's declared budget (may be negative)


def declared_sums(m: LoadModel) -> list[float]:
    """Each block's declared p99 plus its callees' (summed when sequential, the slowest when parallel), children
    first; 0 for blocks on no request path. The same sums as ``RequestPath.p99_sum_ms``."""
    g, svc = m.graph, m.services
    t99 = [0.0] * len(g.ids)
    for v in g.reach_post:
        s = svc[v]
        own = s.declared_p99_ms if s is not None else 0.0
        kids = g.kids[v]
        if kids:
            below = [t99[w] for w in kids]
            own += max(below) if s is not None and s.parallel else math.fsum(below)
        t99[v] = own
    return t99


def _service(m: LoadModel, v: int) -> Service:
    s = m.services[v]
    if s is None:  # a block reached only through fallback connections has no service model yet
        s = service_of(m.parts.kinds[v], {n: x for n, x in m.parts.props[v].items() if n in SERVICE_PROPS})
    return s


def subtree_ms(m: LoadModel, v: int, t99: Sequence[float]) -> float:
    """Declared p99 of a call of v, what it calls included, also for blocks off the happy path (a fallback)."""
    if m.services[v] is not None:
        return t99[v]
    memo: dict[int, float] = {}
    stack = [v]
    while stack:  # iterative, children first; the graph has no cycles (back edges are dropped)
        u = stack[-1]
        todo = [w for w in m.graph.kids[u] if w not in memo and m.services[w] is None]
        if todo:
            stack.extend(todo)
            continue
        stack.pop()
        s = _service(m, u)
        below = [t99[w] if m.services[w] is not None else memo[w] for w in m.graph.kids[u]]
        memo[u] = s.declared_p99_ms + ((max(below) if s.parallel else math.fsum(below)) if below else 0.0)
    return memo[v]


def timeout_ms(parts: Parts, v: int) -> float:
    """The block's timeout_ms (own, else its kind's), infinite when it sets none."""
    own, defaults = parts.props[v], KINDS[parts.kinds[v]].props
    value = own.get("timeout_ms", defaults.get("timeout_ms"))
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return math.inf


def _ancestors(m: LoadModel, v: int) -> list[int]:
    seen = {v}
    stack = [v]
    while stack:
        for c in m.callers[stack.pop()]:
            if c not in seen:
                seen.add(c)
                stack.append(c)
    return list(seen)


def degraded_calls(m: LoadModel, entries: Sequence[int], trees: dict[int, set[int]]) -> list[Degraded]:
    """Every (path, fallback connection, failed call) of the given entries' paths, with its timings."""
    fallbacks = m.graph.fallbacks
    if not fallbacks:
        return []
    t99 = declared_sums(m)
    post_index = {v: i for i, v in enumerate(m.graph.reach_post)}
    out: list[Degraded] = []
    for source, targets in fallbacks.items():
        kids = m.graph.kids[source]
        if source not in post_index or not kids:
            continue
        answer = max(subtree_ms(m, b, t99) for b in targets)
        fallback = max(targets, key=lambda b: subtree_ms(m, b, t99))
        limit = timeout_ms(m.parts, source)
        # the source and its callers, children first
        above = sorted((v for v in _ancestors(m, source) if v in post_index), key=post_index.__getitem__)
        for failed in dict.fromkeys(kids):
            wait = min(limit, t99[failed])
            new = _recompute(m, above, t99, source, failed, wait + answer)
            for e in entries:
                if source in trees[e] and e in new:
                    out.append(Degraded(e, source, failed, fallback, wait, answer, new[e] - t99[e]))
    return out


def _recompute(m: LoadModel, above: Sequence[int], t99: Sequence[float], source: int, failed: int,
               replaced: float) -> dict[int, float]:
    """The declared sums of ``source`` and its callers with the source's call of ``failed`` taking ``replaced``."""
    new: dict[int, float] = {}
    for v in above:
        s = m.services[v]
        assert s is not None
        below = []
        swapped = False
        for w in m.graph.kids[v]:
            if v == source and w == failed and not swapped:
                below.append(replaced)
                swapped = True
            else:
                below.append(new.get(w, t99[w]))
        new[v] = s.declared_p99_ms + (max(below) if s.parallel else math.fsum(below))
    return new
