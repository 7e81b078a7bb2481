"""Fixes for capacity and redundancy findings: add replicas (CAP-1, CAP-2, REL-1), spread a tier over a second
zone or every region the design serves (REL-3).

Replica counts come from the analysis the finding was computed on (``mlsd.analysis.capacity``:
``needed_replicas = ceil(peak × (1 + headroom) / qps_per_replica)`` per tier); none of these fixes invents a
number of its own.
"""

from __future__ import annotations

import math
import string
from typing import TYPE_CHECKING

from mlsd.analysis.failures import is_zone, places, region_of
from mlsd.edit import set_prop
from mlsd.fixes import Change, fix

if TYPE_CHECKING:
    from mlsd.model import Component, Design
    from mlsd.rules import Finding
    from mlsd.rules.context import Context


def _replicas(design: Design, block: str, count: int, why: str) -> Change | None:
    """The block with at least ``count`` replicas (max_replicas too when it autoscales below that)."""
    c = design.by_id().get(block)
    if c is None:
        return None
    now = int(c.num("replicas", 1.0))
    edited, said = design, []
    if now < count:
        edited = set_prop(edited, block, "replicas", count)
        said.append(f"replicas {now} → {count}")
    if c.flag("autoscaling") and "max_replicas" in c.props and int(c.num("max_replicas", 1.0)) < count:
        edited = set_prop(edited, block, "max_replicas", count)
        said.append(f"max_replicas → {count}")
    if not said:
        return None
    return edited, f"{block}: {', '.join(said)} ({why})"


@fix("add-replicas", ("CAP-1",), safe=True, title="Run the replicas the peak needs")
def add_replicas(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """CAP-1: set ``replicas`` on the short tier to the count the finding gives, the analysis' ``needed_replicas``
    (``mlsd.analysis.capacity``: peak reaching the tier × (1 + requirements.headroom) / qps_per_replica)."""
    block = finding.components[0] if finding.components else ""
    t = ctx.analysis.capacity.get(block)
    if t is None or t.needed_replicas is None:
        return None
    return _replicas(design, block, t.needed_replicas, "peak + headroom")


@fix("n-plus-one", ("CAP-2",), safe=True, title="Add a spare replica (N+1)")
def n_plus_one(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """CAP-2: one replica more than the peak needs at full use, ``ceil(peak / qps_per_replica) + 1`` (the N+1 of
    the Google SRE book, ch. 1), and never fewer than CAP-1's ``needed_replicas`` + 1, so losing one still
    leaves the headroom."""
    block = finding.components[0] if finding.components else ""
    t = ctx.analysis.capacity.get(block)
    if t is None or not t.qps_per_replica:
        return None
    want = max(math.ceil(round(t.peak_qps / t.qps_per_replica, 9)) + 1, (t.needed_replicas or 0) + 1)
    return _replicas(design, block, want, "N+1")


@fix("second-replica", ("REL-1",), safe=True, title="Run a second replica")
def second_replica(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """REL-1: a single-replica tier on a request path runs 2 replicas (at least CAP-1's ``needed_replicas``), so
    that losing one machine leaves one answering (AWS Well-Architected, Reliability: no single point of
    failure). Spreading them over zones is REL-3's fix."""
    out = None
    for block in finding.components:
        t = ctx.analysis.capacity.get(block)
        want = max(2, (t.needed_replicas or 0) if t is not None else 0)
        got = _replicas(design if out is None else out[0], block, want, "no single point of failure")
        if got is not None:
            out = got if out is None else (got[0], f"{out[1]}; {got[1]}")
    return out


def _next_zone(zones: list[str]) -> str | None:
    """Another zone of the region of the first zone (eu-west-1a, eu-west-1b -> eu-west-1c)."""
    first = zones[0].strip().lower()
    taken = {z.strip().lower() for z in zones}
    stem = first[:-1]
    for letter in string.ascii_lowercase:
        if f"{stem}{letter}" not in taken:
            return f"{stem}{letter}"
    return None  # pragma: no cover - 26 zones in one region


def _spread_places(c: Component, required: list[str]) -> list[str]:
    """Where the tier should run: its places plus every region the design serves that it misses (zones count as
    their region), or, in a design serving one region, a second zone beside its only one."""
    own = places(c.props) or list(required)
    have = {region_of(p) for p in own}
    more = [r for r in required if r not in have]
    if more:
        return [*own, *more]
    if len(own) == 1 and is_zone(own[0]):
        nxt = _next_zone(own)
        return [*own, nxt] if nxt else own
    return own


@fix("spread-zones", ("REL-3",), safe=True, title="Spread the tier over another zone or region, with replicas "
     "for the loss")
def spread_zones(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """REL-3: each tier the finding names runs in every region the design serves (``requirements.regions``), or
    in a second zone when it sits in one zone of a one-region design; and it runs enough replicas that those left
    after losing one place carry the peak with the headroom: ``ceil(needed × n / (n − 1))`` for n places, where
    ``needed`` is CAP-1's ``needed_replicas`` (``mlsd.analysis.capacity``). Replicas are spread evenly over the
    places, as the what-if analysis assumes (``mlsd.analysis.failures``)."""
    required = list(dict.fromkeys(r.strip().lower() for r in ctx.requirements.regions if r.strip()))
    edited, said = design, []
    for block in finding.components:
        c = edited.by_id().get(block)
        if c is None:
            continue
        spread = _spread_places(c, required)
        if spread != places(c.props) and len(spread) > 1:
            edited = set_prop(edited, block, "regions", spread)
            said.append(f"{block}: regions → {', '.join(spread)}")
        n = len(spread)
        t = ctx.analysis.capacity.get(block)
        if n > 1 and t is not None and t.needed_replicas:
            want = max(2, math.ceil(t.needed_replicas * n / (n - 1)))
            got = _replicas(edited, block, want, f"survivors of {n - 1} of {n} places carry peak + headroom")
            if got is not None:
                edited = got[0]
                said.append(got[1])
    if not said:
        return None
    return edited, "; ".join(said)
