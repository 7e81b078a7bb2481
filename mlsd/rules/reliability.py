"""Rules of the reliability checklist (REL-*).

Here "component" means a placed block of a design (``mlsd.model.Component``).

A *tier* is a block on a serving path (see ``mlsd.rules.sla``) other than a client. Managed services
(``managed: true``) are multi-zone by definition and count as redundant.
"""

from __future__ import annotations

import re

from mlsd.catalog import KINDS
from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.sla import ms, name, names, on_serving_path, serving_paths

# a shadow deployment gets a copy of traffic; its failure never fails the request
NOT_CRITICAL_KINDS = frozenset({"client", "shadow_deployment"})
FALLBACK_KINDS = frozenset({"cache", "heuristic_baseline", "logistic_regression"})  # a simpler model is a fallback
NO_TIMEOUT_NEEDED_CALLERS = frozenset({"client", "load_balancer", "cdn", "cache"})  # proxies, read-through caches
NO_TIMEOUT_NEEDED_TARGETS = frozenset({"cache"})  # in-memory, sub-millisecond; a miss path is the fallback
_AWS_ZONE = re.compile(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$")  # eu-west-1a -> eu-west-1
_GCP_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")  # europe-west1-b -> europe-west1


def region_of(zone: str) -> str:
    """The region a zone name belongs to (AWS and GCP zone names); other names are taken as regions."""
    text = zone.strip().lower()
    for pattern in (_AWS_ZONE, _GCP_ZONE):
        m = pattern.match(text)
        if m:
            return m.group(1)
    return text


def declared_regions(c: Component) -> list[str]:
    """The block's ``regions`` prop as a list (empty when absent)."""
    value = c.prop("regions")
    return [v for v in value if v.strip()] if isinstance(value, list) else []


def _critical_tiers(ctx: Context) -> list[Component]:
    return [
        ctx.blocks[b] for b in on_serving_path(ctx)
        if ctx.blocks[b].kind not in NOT_CRITICAL_KINDS and not ctx.blocks[b].flag("managed")
    ]


@rule(
    "REL-1", "reliability", "error", "No single point of failure on the request path",
    "Run at least 2 replicas across zones, use a managed (multi-zone) service, or give the block a fallback "
    "(fallback: true) that answers when it is down.",
)
def no_single_point_of_failure(ctx: Context) -> list[Hit]:
    """Every block a serving request depends on survives the loss of one machine.

    A self-run block with a single replica on a request path takes every request through it down when its
    machine, zone or deploy fails. Managed services (``managed: true``) are redundant on the provider's side;
    a block with ``fallback: true`` has an answer when it fails; clients and shadow deployments are not tiers
    a request waits on.
    Fix: 2+ replicas in different zones, a managed service, or a fallback.
    Source: AWS Well-Architected, Reliability pillar (no single points of failure); Google SRE book.
    """
    if not serving_paths(ctx):
        raise NotApplicable("no request path starts at a client or an online serving block")
    hits = []
    for c in _critical_tiers(ctx):
        if c.num("replicas", 1.0) > 1 or c.flag("fallback"):
            continue
        entry = on_serving_path(ctx)[c.id]
        hits.append(Hit(
            f"{name(ctx, c.id)} runs a single replica on the request path from {name(ctx, entry)} and is not "
            "managed: when it fails, every request through it fails.",
            components=(c.id,),
        ))
    return hits


def model_serving(ctx: Context) -> list[Component]:
    """online_inference blocks, and model blocks on a serving path that no online_inference block fronts."""
    on_path = on_serving_path(ctx)
    out = []
    for c in ctx.design.components:
        if c.kind != "online_inference":
            if KINDS[c.kind].category != "models" or c.kind == "heuristic_baseline" or c.id not in on_path:
                continue
            if any(p.kind == "online_inference" for p in ctx.predecessors(c.id, ("request",))):
                continue  # the model runs inside (or behind) that inference service, which is checked
        out.append(c)
    return out


def _has_fallback(ctx: Context, c: Component) -> bool:
    if c.flag("fallback"):
        return True
    callers = ctx.predecessors(c.id, ("request",))
    near = [*callers, *ctx.successors(c.id, ("request",))]
    for caller in callers:  # the caller also calls a fallback next to the model (ranking service -> baseline)
        near.extend(ctx.successors(caller.id, ("request",)))
    return any(n.kind in FALLBACK_KINDS and n.id != c.id for n in near)


@rule(
    "REL-2", "reliability", "warning", "Model serving has a fallback",
    "Give the model a fallback: set fallback: true (popular items, last good predictions, rules) or call a "
    "heuristic_baseline or a cache when the model times out or fails.",
)
def serving_has_fallback(ctx: Context) -> list[Hit]:
    """Each model-serving block has an answer when the model fails or times out.

    A model service fails in ways a static service does not (a bad model version, a feature store outage, a
    GPU shortage); without a fallback the product shows an error instead of a degraded answer. A block
    passes with ``fallback: true``, or when a cache, a heuristic_baseline or a simpler logistic_regression
    sits next to it on the request path (called by it, calling it, or called by the same caller).
    Fix: declare or draw the fallback.
    Source: Huyen, Designing ML Systems (fallbacks for failed predictions); AWS Well-Architected ML Lens.
    """
    blocks = model_serving(ctx)
    if not blocks:
        raise NotApplicable("no online model serving")
    return [
        Hit(
            f"{name(ctx, c.id)} ({c.kind}) has no fallback: when the model fails or times out, requests get an "
            "error instead of a degraded answer.",
            components=(c.id,),
        )
        for c in blocks
        if not _has_fallback(ctx, c)
    ]


@rule(
    "REL-3", "reliability", "warning", "Critical tiers span more than one region or zone",
    "List two or more zones in the tier's regions (and every region the design must serve).",
)
def multi_region(ctx: Context) -> list[Hit]:
    """Tiers on the request path do not run all their replicas in one zone or region.

    A zone or region outage takes down every replica placed in it. A tier fails when its ``regions`` lists a
    single zone (zone names such as eu-west-1a or europe-west1-b), or, when ``requirements.regions`` names
    several regions, when everything it lists lies in one region. A single region name alone is not flagged
    for a single-region design (it may span zones). Tiers that declare no regions cannot be checked; managed
    services are multi-zone.
    Fix: spread replicas over zones, and over the regions the design serves.
    Source: AWS Well-Architected, Reliability pillar (deploy across multiple zones and regions).
    """
    required = list(dict.fromkeys(ctx.requirements.regions))
    tiers = [(c, declared_regions(c)) for c in _critical_tiers(ctx)]
    tiers = [(c, r) for c, r in tiers if r]
    if not tiers:
        if len(required) > 1:
            raise NotApplicable(f"the design must serve {len(required)} regions but no tier declares its regions")
        raise NotApplicable("no tier on a request path declares its regions")
    hits = []
    for c, zones in tiers:
        regions = list(dict.fromkeys(region_of(z) for z in zones))
        if len(zones) == 1 and regions[0] != zones[0].strip().lower():
            hits.append(Hit(
                f"{name(ctx, c.id)} runs all its replicas in one zone, {zones[0]}: a zone outage takes the tier "
                "down.",
                components=(c.id,),
            ))
        elif len(required) > 1 and len(regions) == 1:
            hits.append(Hit(
                f"{name(ctx, c.id)} runs only in {regions[0]} ({', '.join(zones)}) while the design must serve "
                f"{', '.join(required)}.",
                components=(c.id,),
            ))
    return hits


@rule(
    "REL-4", "reliability", "warning", "Downstream calls on the request path have timeouts",
    "Set timeout_ms on the calling block, below the path's SLA budget, and fall back when it fires.",
)
def calls_have_timeouts(ctx: Context) -> list[Hit]:
    """A block on a serving path that calls other blocks bounds its wait with a timeout.

    Without a timeout a slow or hung dependency holds the request, and its threads, until the client gives up,
    which turns one slow dependency into an outage of its callers. Calls to caches (sub-millisecond, with a
    miss path) and calls made by clients, load balancers and CDNs (proxies with their own timeouts) are not
    counted; a block passes with ``timeout_ms`` > 0.
    Fix: set timeout_ms.
    Source: Google SRE book, ch. 22 (addressing cascading failures: deadlines); Dean & Barroso, The Tail at Scale.
    """
    if not serving_paths(ctx):
        raise NotApplicable("no request path starts at a client or an online serving block")
    sla = ctx.requirements.sla_p99_ms
    budget = f" (the SLA is {ms(sla)})" if sla is not None else ""
    hits = []
    callers = 0
    for b in on_serving_path(ctx):
        c = ctx.blocks[b]
        if c.kind in NO_TIMEOUT_NEEDED_CALLERS:
            continue
        edges = [
            e for e in ctx.out_edges.get(b, ())
            if e.flow == "request" and ctx.blocks[e.target].kind not in NO_TIMEOUT_NEEDED_TARGETS
        ]
        if not edges:
            continue
        callers += 1
        if c.num("timeout_ms") > 0:
            continue
        targets = list(dict.fromkeys(e.target for e in edges))
        hits.append(Hit(
            f"{name(ctx, b)} calls {names(ctx, targets)} without a timeout (timeout_ms is 0 or unset): a slow "
            f"dependency holds the request for as long as it hangs{budget}.",
            components=(b,),
            connections=tuple(e.id for e in edges),
        ))
    if not callers:
        raise NotApplicable("no block on a request path calls a downstream service")
    return hits
