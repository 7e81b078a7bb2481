"""Traffic: the request rate reaching each block at the design's peak.

Here "component" means a placed block of a design (``mlsd.model.Component``).

``requirements.peak_qps`` is split between the user-facing entry blocks (``is_serving_entry``; all entries when
none is user-facing): an entry's ``traffic_share`` prop (0..1) takes that share of the peak, and the entries
without one split the rest equally (LAT-7 asks for declared shares when two or more entries lack one).
Asynchronous entries (fed by a queue or a stream, see ``entries``) take no part in that split: they receive what
their queue receives. Fallback connections (``fallback: true``) carry no load (they are not in the graph).
The load then flows along request connections, parents before children:
each target receives its caller's outgoing rate (a fan-out sends the same rate to every target; a block reached
from several callers sums them), and a block with ``hit_rate`` h passes on only its misses, (1 − h) of what it
receives. A request connection into a store may carry several store calls per request (a caller reading per
candidate; see ``store_work``): the store then receives the caller's outgoing rate × those calls. A load factor
scales every rate (the ramp: 0.1× to 3× the peak).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

from mlsd.analysis.paths import Graph, Parts, is_serving_entry
from mlsd.catalog import KINDS
from mlsd.model import Design


def entry_rates(design: Design, parts: Parts, g: Graph, skip: Collection[int] = ()) -> dict[int, float]:
    """Requests/s entering at each entry block (by position) at the peak; empty without ``peak_qps``. Entries in
    ``skip`` (the asynchronous ones) take no share."""
    peak = design.requirements.peak_qps
    comps = design.components
    serving = [e for e in g.entries if is_serving_entry(comps[e])] or g.entries
    if skip:
        serving = [e for e in serving if e not in skip]
    if peak is None or not serving:
        return {}
    declared: dict[int, float] = {}
    for e in serving:
        own, defaults = parts.props[e], KINDS[parts.kinds[e]].props
        value = own["traffic_share"] if "traffic_share" in own else defaults.get("traffic_share")
        if isinstance(value, int | float) and not isinstance(value, bool):
            declared[e] = float(value)
    rest = [e for e in serving if e not in declared]
    left = max(0.0, 1.0 - math.fsum(declared.values()))
    return {e: peak * (declared[e] if e in declared else left / len(rest)) for e in serving}


def block_rates(g: Graph, entries: Mapping[int, float], hit: list[float], cut: Collection[int] = (),
                calls: Mapping[int, Mapping[int, float]] | None = None) -> list[float]:
    """Requests/s reaching each block (by position) when ``entries`` receive the given rates.

    ``hit`` is each block's hit rate (what it answers without calling downstream); a block in ``cut`` calls
    nothing downstream (it is down, or a fallback answers in its place); ``calls`` gives, per caller, the calls
    per request it makes to a target when more than one (``store_work.store_calls``).
    """
    rate = [0.0] * len(g.ids)
    for e, r in entries.items():
        rate[e] += r
    kids_of = g.kids
    for v in reversed(g.reach_post):  # parents before children
        kids = kids_of[v]
        if not kids or v in cut:
            continue
        passed = rate[v] * (1.0 - hit[v])
        if passed:
            many = calls.get(v) if calls else None
            if many:
                for w in kids:
                    rate[w] += passed * many.get(w, 1.0)
            else:
                for w in kids:
                    rate[w] += passed
    return rate
