"""Asynchronous entries: serving blocks fed by a queue or a stream, and the rate their queue receives.

Here "component" means a placed block of a design (``mlsd.model.Component``).

An online model or serving block (not a cache, CDN, load balancer or gateway) that no request connection calls and that
receives a ``stream`` connection, or any connection from a ``message_queue``, is an **asynchronous consumer**:
an entry of the request graph (``paths``) even when it calls nothing, whose answer nobody waits on. Its path is
judged against its lag target (``max_lag_minutes``, LAT-6), not the request SLA, and it takes no share of the
user peak. (Connections that deploy a model or feed back labels, ``batch`` and ``feedback`` flows from other
blocks, do not make a block a consumer; nor does a stream into a store or a cache, which is written, not read
from.)

Its arrival rate is what its queue receives, walked up the non-request connections that feed it:
- a feeder with request load (a service on a serving path publishing what it handles) sends one message per
  request it receives at the peak: its rate from the synchronous pass of ``traffic.block_rates``;
- else a feeder that declares ``items_per_day`` sends that many a day, at the peak-to-average of 2 used for
  cost per prediction (``cost.PEAK_TO_AVERAGE``);
- else the walk goes on to that feeder's own stream and queue inputs (a queue, a pseudonymiser relaying
  events); data sources stop it.
An asynchronous entry that declares ``traffic_share`` takes that share of the peak instead (the author's
number wins); one whose feeders carry no known rate gets the whole peak, one message per user request at the
peak: the conservative reading, and one LAT-7 names. Consumers fed by other consumers (a second queue
after the first) are resolved in rounds, at most one per asynchronous entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mlsd.analysis.cost import PEAK_TO_AVERAGE
from mlsd.analysis.paths import Graph, Parts
from mlsd.analysis.traffic import block_rates
from mlsd.catalog import KINDS
from mlsd.model import Design

QUEUE_KINDS = frozenset({"message_queue"})
SECONDS_PER_DAY = 86_400.0
STOP_CATEGORIES = frozenset({"data_sources"})  # the walk up a queue's feeders ends at a source
CONSUMER_CATEGORIES = frozenset({"models", "serving"})  # blocks that can consume a queue as a serving tier
NOT_CONSUMER_KINDS = frozenset({"cache", "cdn", "load_balancer", "api_gateway"})  # warmed or fed, not consumers


def async_entries(design: Design, parts: Parts) -> frozenset[int]:
    """The blocks (by position) that are asynchronous consumers: model and serving blocks (caches, CDNs, load
    balancers and gateways aside) that no request connection calls and that receive a ``stream`` connection or
    any connection from a queue. They are entries of the request graph even when they call nothing."""
    queues = {parts.ids[i] for i, k in enumerate(parts.kinds) if k in QUEUE_KINDS}
    called: set[str] = set()
    fed: set[str] = set()
    for e in design.connections:
        flow = e.flow
        if flow == "request":
            called.add(e.target)
        elif flow == "stream" or e.source in queues:
            fed.add(e.target)
    fed -= called
    if not fed:
        return frozenset()
    return frozenset(i for i, b in enumerate(parts.ids) if b in fed and _consumer(parts.kinds[i]))


def _consumer(kind: str) -> bool:
    k = KINDS[kind]
    return k.tier == "online" and k.category in CONSUMER_CATEGORIES and kind not in NOT_CONSUMER_KINDS


def _feeders(design: Design, parts: Parts) -> list[list[int]]:
    """Each block's inputs along stream connections and any connection from a queue (by position)."""
    index = {b: i for i, b in enumerate(parts.ids)}
    fed: list[list[int]] = [[] for _ in parts.ids]
    for e in design.connections:
        s = index[e.source]
        if e.flow == "stream" or (e.flow != "request" and parts.kinds[s] in QUEUE_KINDS):
            fed[index[e.target]].append(s)
    return fed


def _per_day(parts: Parts, v: int) -> float | None:
    own, defaults = parts.props[v], KINDS[parts.kinds[v]].props
    value = own.get("items_per_day", defaults.get("items_per_day"))
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value) / SECONDS_PER_DAY * PEAK_TO_AVERAGE
    return None


def arrival(entry: int, fed: Sequence[Sequence[int]], parts: Parts, rate: Sequence[float]) -> float | None:
    """Messages/s reaching an asynchronous entry at the peak from its feeders (None when none has a known rate)."""
    total: float | None = None
    seen = {entry}
    stack = list(fed[entry])
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        known = rate[v] if rate[v] > 0 else _per_day(parts, v)
        if known is not None:
            total = (total or 0.0) + known
        elif KINDS[parts.kinds[v]].category not in STOP_CATEGORIES:
            stack.extend(fed[v])
    return total


def async_rates(design: Design, parts: Parts, g: Graph, sync_rates: Mapping[int, float], hit: list[float],
                asynchronous: frozenset[int]) -> tuple[dict[int, float], frozenset[int]]:
    """Messages/s entering each asynchronous entry at the peak (empty without ``peak_qps``), and the entries given
    the whole peak because no feeder has a known rate (nor do they declare a traffic_share)."""
    peak = design.requirements.peak_qps
    if peak is None or not asynchronous:
        return {}, frozenset()
    out: dict[int, float] = {}
    todo = []
    for e in sorted(asynchronous):
        own, defaults = parts.props[e], KINDS[parts.kinds[e]].props
        share = own.get("traffic_share", defaults.get("traffic_share"))
        if isinstance(share, int | float) and not isinstance(share, bool):
            out[e] = peak * float(share)
        else:
            todo.append(e)
    if not todo:
        return out, frozenset()
    fed = _feeders(design, parts)
    for _ in range(len(todo)):  # a consumer fed by another consumer's output waits for that one's rate
        rate = block_rates(g, {**sync_rates, **out}, hit)
        found = {e: r for e in todo if (r := arrival(e, fed, parts, rate)) is not None}
        if not found:
            break
        out.update(found)
        todo = [e for e in todo if e not in found]
        if not todo:
            break
    for e in todo:
        out[e] = peak  # nothing known about the feed: one message per user request at the peak
    return out, frozenset(todo)
