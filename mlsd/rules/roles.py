"""Block roles the ML checklists share: what blocks *do* in an ML design, whichever way it is drawn.

Which blocks train, which serve a model online or in batch, how a trained model reaches serving (through
registries, gates and model blocks), and fast multi-source walks over the graph. The data, training, serving,
monitoring and structure rules import these so that every checklist reads a design the same way.

Two modelings of a model block are accepted everywhere:
- *artifact*: ``training_pipeline -> model -> online_inference`` (the model is what training produces and a
  serving block loads);
- *on the request path*: ``online_inference -request-> model`` or ``api_gateway -request-> model`` (the model
  block is itself called online), typically with ``training_pipeline -> model`` or a registry feeding it.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from mlsd.catalog import KINDS
from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.text import counted


@cache
def kinds_in_categories(*categories: str) -> frozenset[str]:
    """Every kind of these catalog categories (cached: rules ask for the same categories once per block)."""
    return frozenset(k for k, entry in KINDS.items() if entry.category in categories)


MODEL_KINDS = kinds_in_categories("models")
BASELINE_KINDS = frozenset({"heuristic_baseline", "logistic_regression"})
ONLINE_SERVING_KINDS = frozenset({"online_inference", "reranker", "candidate_generation"})
BATCH_SERVING_KINDS = frozenset({"batch_prediction"})
# blocks a trained model passes through on its way to serving
DEPLOY_VIA_KINDS = frozenset(
    {"model_registry", "validation_gate", "experiment_tracking", "shadow_deployment", "ab_testing"}
)
MONITOR_KINDS = frozenset({"metrics_dashboard", "logging", "drift_detector"})
FEATURE_STORE_KINDS = frozenset({"offline_feature_store", "online_feature_store"})
DATA_KINDS = kinds_in_categories("storage", "features", "data_sources")
# blocks data flows through on its way to training or to an online store (not control, not serving)
DATA_PASS_KINDS = (
    DATA_KINDS
    | kinds_in_categories("processing", "privacy")
    | frozenset({"labeling", "logging"})
) - frozenset({"orchestrator"})
REQUEST = frozenset({"request"})
NON_REQUEST = frozenset({"stream", "batch", "feedback"})
NOT_FEEDBACK = frozenset({"request", "stream", "batch"})
MAX_LOCAL_DEPTH = 6  # hops of a per-block walk (training inputs, deployment paths)


def quoted(c: Component) -> str:
    return f"'{c.title}'"


NAMED = 3  # blocks ``names`` shows; a finding about more points at those it names (the rest are counted)


def names(ctx: Context, ids: Iterable[str], limit: int = NAMED) -> str:
    """'A', 'B' and 'C' / 'A', 'B', 'C' and 4 more: block labels for a message, in the order given."""
    unique = list(dict.fromkeys(ids))
    # quote only the blocks shown (a store read by hundreds of blocks is named often)
    return counted([quoted(ctx.blocks[i]) for i in unique[:limit]], len(unique))


def walk(
    ctx: Context,
    starts: Iterable[str],
    *,
    forward: bool = True,
    flows: frozenset[str] | None = None,
    passable: frozenset[str] | Callable[[Component], bool] | None = None,
    depth: int | None = None,
) -> dict[str, str]:
    """Blocks reachable from any of ``starts`` in one breadth-first pass: ``{block id: start it came from}``.

    ``forward`` follows connections source to target (False: backwards). ``flows`` limits the connections
    followed (None: all). A reached block is expanded further only when ``passable`` allows it (a set of kinds
    or a predicate; None: every block); starts are always expanded and are not reported unless reached from
    another start. ``depth`` bounds the hops. Starts given as a set (which has no order of its own) are taken
    in design order, so which start a block is credited to does not change from run to run.

    Speed: the walk follows ``Context.neighbours`` (plain block ids per direction and flows, built once per
    check) and reads kinds from ``Context.kind_of``, touching no pydantic object unless ``passable`` is a
    predicate; the frontier is two parallel lists rather than a list of pairs.
    """
    if flows is not None and not isinstance(flows, frozenset):
        flows = frozenset(flows)
    next_of = ctx.neighbours(forward, flows)
    if isinstance(starts, set | frozenset):
        starts = [b for b in ctx.blocks if b in starts]
    origin: dict[str, str] = {}
    seen: set[str] = set()
    nodes: list[str] = []
    roots: list[str] = []
    for s in starts:
        if s not in seen:
            seen.add(s)
            nodes.append(s)
            roots.append(s)
    kinds = passable if isinstance(passable, frozenset) else None
    check = None if isinstance(passable, frozenset) else passable
    kind_of, blocks = ctx.kind_of, ctx.blocks
    hops = 0
    while nodes and (depth is None or hops < depth):
        hops += 1
        next_nodes: list[str] = []
        next_roots: list[str] = []
        for node, root in zip(nodes, roots, strict=True):
            for nxt in next_of.get(node, ()):
                if nxt in seen:
                    continue
                seen.add(nxt)
                origin[nxt] = root
                if kinds is not None:
                    if kind_of[nxt] not in kinds:
                        continue
                elif check is not None and not check(blocks[nxt]):
                    continue
                next_nodes.append(nxt)
                next_roots.append(root)
        nodes, roots = next_nodes, next_roots
    return origin


@dataclass(frozen=True)
class Roles:
    """What the blocks of one design do, computed once per check."""

    trainers: tuple[str, ...]  # training pipelines
    called_online: frozenset[str]  # model blocks called by an online block (they serve online themselves)
    online_units: tuple[str, ...]  # online_inference, reranker, candidate_generation, models called online
    batch_units: tuple[str, ...]  # batch_prediction
    deploys: dict[str, frozenset[str]]  # training pipeline -> models and serving units it reaches
    model_units: tuple[str, ...]  # serving units that serve a model (online and batch)
    units: frozenset[str]  # online and batch serving units
    online_ids: frozenset[str]  # the online units, as a set
    deployed_by: dict[str, tuple[str, ...]]  # model or serving block -> training pipelines that reach it


T = TypeVar("T")


def memo(ctx: Context, key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per context and key: rules share derived facts within one check (``Context.memo``)."""
    store = ctx.memo
    if key in store:
        found: T = store[key]
        return found
    result = store[key] = compute()
    return result


def deploy_passable(called: frozenset[str]) -> Callable[[Component], bool]:
    """Blocks a trained model passes through towards serving: registries, gates, model artifacts."""

    def can_pass(c: Component) -> bool:
        return c.kind in DEPLOY_VIA_KINDS or (c.kind in MODEL_KINDS and c.id not in called)

    return can_pass


def model_callers(ctx: Context, model: str, units: Container[str]) -> list[str]:
    """Serving blocks that call a model block by request (they run it: a service, or batch prediction)."""
    if ctx.kind_of[model] not in MODEL_KINDS:
        return []
    return [s for s in ctx.neighbours(False, REQUEST).get(model, ()) if s in units]


def roles(ctx: Context) -> Roles:
    """The roles of the design's blocks (cached per context)."""
    return memo(ctx, "roles", lambda: _roles(ctx))


def _roles(ctx: Context) -> Roles:
    callers, kind_of = ctx.neighbours(False, REQUEST), ctx.kind_of
    called = frozenset(
        m.id
        for m in ctx.of_category("models")
        if any(KINDS[kind_of[s]].tier == "online" for s in callers.get(m.id, ()))
    )
    online = tuple(
        c.id for c in ctx.design.components if c.kind in ONLINE_SERVING_KINDS or c.id in called
    )
    batch = tuple(c.id for c in ctx.of_kind("batch_prediction"))
    trainers = tuple(c.id for c in ctx.of_kind("training_pipeline"))
    units = set(online) | set(batch)
    can_pass = deploy_passable(called)
    deploys: dict[str, frozenset[str]] = {}
    for t in trainers:
        reached = walk(ctx, [t], flows=NOT_FEEDBACK, passable=can_pass, depth=MAX_LOCAL_DEPTH)
        found = {b for b in reached if b in units or kind_of[b] in MODEL_KINDS}
        found.update(caller for m in list(found) for caller in model_callers(ctx, m, units))
        deploys[t] = frozenset(found)
    deployed_units = {b for reached in deploys.values() for b in reached if b in units}
    model_units = []
    after, before = ctx.neighbours(True), ctx.neighbours(False)
    for u in (*online, *batch):
        kind = kind_of[u]
        if (
            kind in ("online_inference", "batch_prediction")
            or kind in MODEL_KINDS
            or u in deployed_units
            or any(kind_of[b] in MODEL_KINDS for b in after.get(u, ()))
            or any(kind_of[b] in MODEL_KINDS for b in before.get(u, ()))
        ):
            model_units.append(u)
    deployed_by: dict[str, list[str]] = {}
    for t, targets in deploys.items():
        for b in targets:
            deployed_by.setdefault(b, []).append(t)
    return Roles(trainers, called, online, batch, deploys, tuple(model_units), frozenset(units),
                 frozenset(online), {b: tuple(ts) for b, ts in deployed_by.items()})


def request_groups(ctx: Context) -> dict[str, str]:
    """Blocks joined by request connections (ignoring direction): ``{block id: id of its group}``."""
    return memo(ctx, "request_groups", lambda: _request_groups(ctx))


def deploy_sources(ctx: Context, unit: str) -> dict[str, str]:
    """Blocks on the deployment paths into a serving block (registries, gates, models, training), walking back
    (cached per context and block)."""
    found: dict[str, dict[str, str]] = memo(ctx, "deploy_sources", dict)
    if unit not in found:
        can_pass = memo(ctx, "deploy_passable", lambda: deploy_passable(roles(ctx).called_online))
        found[unit] = walk(ctx, [unit], forward=False, flows=NOT_FEEDBACK, passable=can_pass,
                           depth=MAX_LOCAL_DEPTH)
    return found[unit]


def _request_groups(ctx: Context) -> dict[str, str]:
    group: dict[str, str] = {}
    callees, callers = ctx.neighbours(True, REQUEST), ctx.neighbours(False, REQUEST)
    for head in ctx.blocks:
        if head in group:
            continue
        group[head] = head
        stack = [head]
        while stack:
            node = stack.pop()
            for other in (*callees.get(node, ()), *callers.get(node, ())):
                if other not in group:
                    group[other] = head
                    stack.append(other)
    return group


def monitored_directly(ctx: Context, block_id: str) -> bool:
    """Connected (either way) to a dashboard, log or drift detector, or through a queue/stream into one."""
    after, kind_of = ctx.neighbours(True), ctx.kind_of
    for target in after.get(block_id, ()):
        kind = kind_of[target]
        if kind in MONITOR_KINDS:
            return True
        if kind in ("message_queue", "stream_processor") and any(
            kind_of[b] in MONITOR_KINDS for b in after.get(target, ())
        ):
            return True
    return any(kind_of[b] in MONITOR_KINDS for b in ctx.neighbours(False).get(block_id, ()))


def inherit_through_callers(
    ctx: Context, covered: set[str], units: Iterable[str], eligible: frozenset[str]
) -> None:
    """Mark covered every ``eligible`` block of ``units`` that a covered block calls (it ships with, or is observed
    through, its caller), transitively: one breadth-first pass along request connections from the covered
    blocks, through the blocks it marks."""
    pending = {u for u in units if u not in covered and u in eligible}
    if not pending:
        return
    callees = ctx.neighbours(True, REQUEST)
    frontier = list(covered)
    while frontier and pending:
        marked = []
        for caller in frontier:
            for u in callees.get(caller, ()):
                if u in pending:
                    pending.discard(u)
                    covered.add(u)
                    marked.append(u)
        frontier = marked


def judged_alone(ctx: Context, units: Iterable[str], eligible: frozenset[str]) -> list[str]:
    """Serving blocks that get their own finding: an ``eligible`` block called online only by serving blocks is
    judged with the service that calls it (the finding on the service covers it)."""
    r = roles(ctx)
    callers_of = ctx.neighbours(False, REQUEST)
    out = []
    for u in units:
        if u in eligible:
            callers = callers_of.get(u, ())
            if callers and all(c in r.units for c in callers):
                continue
        out.append(u)
    return out
