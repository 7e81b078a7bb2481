"""Rules of the serving and deployment checklist: how a trained model reaches traffic, and how it goes back."""

from __future__ import annotations

from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.roles import (
    MODEL_KINDS,
    NON_REQUEST,
    NOT_FEEDBACK,
    deploy_passable,
    deploy_sources,
    inherit_through_callers,
    judged_alone,
    kinds_in_categories,
    memo,
    names,
    quoted,
    roles,
    walk,
)

ROLLOUT_BLOCKS = frozenset({"shadow_deployment", "ab_testing"})
State = tuple[str, bool, bool]  # block, passed a registry, passed a validation gate


def _rolls_out(c: Component) -> bool:
    value = c.prop("rollout")
    return value is not None and value != "none"


def _served_models(ctx: Context, unit: str) -> list[Component]:
    """Model blocks a serving block calls or loads (either modeling), or the unit itself when it is a model."""
    return served_models_map(ctx).get(unit, [])


def served_models_map(ctx: Context) -> dict[str, list[Component]]:
    """For every serving block: the model blocks it calls or loads, and itself when it is a model."""
    def compute() -> dict[str, list[Component]]:
        blocks, out = ctx.blocks, {}
        for unit in roles(ctx).units:
            models = [blocks[e.target] for e in ctx.out_edges.get(unit, ()) if blocks[e.target].kind in MODEL_KINDS]
            models += [blocks[e.source] for e in ctx.in_edges.get(unit, ()) if blocks[e.source].kind in MODEL_KINDS]
            if blocks[unit].kind in MODEL_KINDS:
                models.append(blocks[unit])
            out[unit] = models
        return out

    return memo(ctx, "served_models", compute)


def _deploy_paths(ctx: Context, unit: str) -> set[str]:
    """Blocks on the deployment paths into a serving block and into the model blocks it calls or loads."""
    out = set(deploy_sources(ctx, unit))
    for m in _served_models(ctx, unit):
        if m.id != unit:
            out.update(deploy_sources(ctx, m.id))
    return out


def learned_model_units(ctx: Context, *, online_only: bool) -> list[str]:
    """Serving blocks that serve a learned model: inference and batch prediction services, anything a training
    pipeline deploys to, and serving blocks calling or loading a model other than a heuristic."""
    return memo(ctx, f"learned_model_units:{online_only}", lambda: _learned_model_units(ctx, online_only))


def _learned_model_units(ctx: Context, online_only: bool) -> list[str]:
    r = roles(ctx)
    deployed = {b for reached in r.deploys.values() for b in reached}
    out = []
    for u in r.model_units:
        c = ctx.blocks[u]
        if online_only and u not in r.online_ids:
            continue
        if (
            c.kind in ("online_inference", "batch_prediction")
            or u in deployed
            or any(m.kind not in ("heuristic_baseline",) for m in _served_models(ctx, u))
        ):
            out.append(u)
    return out


@rule(
    "SRV-1",
    "serving",
    "error",
    "Training deploys through a model registry and a validation gate",
    "Route the trained model training -> model registry -> validation gate -> serving, and remove the "
    "direct connection from training to serving.",
)
def registry_and_gate(ctx: Context) -> list[Hit]:
    """Every path from a training pipeline to a serving block passes a model registry and a validation gate.

    Follows connections (not feedback) from each training pipeline through registries, validation gates,
    experiment tracking, shadow/A-B blocks and model blocks (the artifact modeling, ``training -> model ->
    serving``) to the first serving block: online_inference, candidate_generation, reranker, batch_prediction,
    or a model block called by a request (the model-on-the-request-path modeling). A path that reaches serving
    without both a registry and a gate is a finding; a registry connected directly to a validation gate (a
    gate drawn beside the registry) counts as gated. The order of registry and gate is free.

    Why: a model pushed straight from training to traffic is unversioned (nothing to roll back to, no record
    of what is serving) and untested against the current model (a silent regression reaches every user).

    Fix: add a model registry and a validation gate (compare against the serving model on a held-out set and
    on key slices; block the push when worse) between training and serving.

    Source: ML Test Score I4 (model quality is validated before serving); AWS ML Lens MLREL (model registry,
    automated validation); Google Cloud "MLOps: continuous delivery" level 1 (model validation).
    """
    r = roles(ctx)
    if not r.trainers:
        raise NotApplicable("no training pipeline: nothing is deployed from training")
    if not r.units:
        raise NotApplicable("no serving block (inference, retrieval, ranking or batch prediction)")
    gated_registries = {
        reg.id
        for reg in ctx.of_kind("model_registry")
        if any(ctx.blocks[e.target].kind == "validation_gate" for e in ctx.out_edges.get(reg.id, ()))
        or any(ctx.blocks[e.source].kind == "validation_gate" for e in ctx.in_edges.get(reg.id, ()))
    }
    can_pass = deploy_passable(r.called_online)
    parent: dict[State, tuple[State, str] | None] = {}
    queue: list[State] = []
    for t in r.trainers:
        parent[(t, False, False)] = None
        queue.append((t, False, False))
    reached: dict[str, list[State]] = {}
    while queue:
        state = queue.pop()
        node, reg, gate = state
        for e in ctx.out_edges.get(node, ()):
            if e.flow not in NOT_FEEDBACK:
                continue
            c = ctx.blocks[e.target]
            nreg = reg or c.kind == "model_registry"
            ngate = gate or c.kind == "validation_gate" or c.id in gated_registries
            nxt = (c.id, nreg, ngate)
            if nxt in parent:
                continue
            parent[nxt] = (state, e.id)
            if c.id in r.units:
                reached.setdefault(c.id, []).append(nxt)
            elif can_pass(c):
                queue.append(nxt)
                for caller in (f for f in ctx.in_edges.get(c.id, ()) if f.flow == "request" and f.source in r.units):
                    via = (caller.source, nreg, ngate)
                    if via not in parent:
                        parent[via] = (nxt, caller.id)
                        reached.setdefault(caller.source, []).append(via)
    if not reached:
        raise NotApplicable("no connection path leads from training to a serving block")
    hits = []
    for states in reached.values():
        bad = [s for s in states if not (s[1] and s[2])]
        if not bad:
            continue
        worst = min(bad, key=lambda s: s[1] + s[2])
        hits.append(_srv1_hit(ctx, worst, parent))
    return hits


def _srv1_hit(ctx: Context, end: State, parent: dict[State, tuple[State, str] | None]) -> Hit:
    nodes, edges = [end[0]], []
    step = parent[end]
    while step is not None:
        prev, edge = step
        nodes.append(prev[0])
        edges.append(edge)
        step = parent[prev]
    nodes.reverse()
    edges.reverse()
    trainer, unit = ctx.blocks[nodes[0]], ctx.blocks[nodes[-1]]
    _, reg, gate = end
    models = [n for n in nodes[1:-1] if ctx.blocks[n].kind in MODEL_KINDS]
    if not reg and not gate:
        what = f"{quoted(ctx.blocks[models[-1]])} is trained by {quoted(trainer)}" if models else quoted(trainer)
        verb = " and deployed" if models else " deploys"
        message = (f"{what}{verb} straight to {quoted(unit)} with no model registry or validation gate between "
                   "them: an unversioned, unvalidated model reaches traffic.")
    elif reg:
        via = [n for n in nodes if ctx.blocks[n].kind == "model_registry"]
        message = (f"{quoted(trainer)} deploys to {quoted(unit)} through {names(ctx, via)} but no validation "
                   "gate: a model worse than the one serving can be pushed unchecked.")
    else:
        via = [n for n in nodes if ctx.blocks[n].kind == "validation_gate"]
        message = (f"{quoted(trainer)} deploys to {quoted(unit)} through {names(ctx, via)} but no model "
                   "registry: nothing records which version serves, so it cannot be traced or rolled back.")
    return Hit(message, components=tuple(nodes), connections=tuple(edges))


@rule(
    "SRV-2",
    "serving",
    "warning",
    "A new model reaches traffic gradually",
    "Declare a rollout on the serving block (rollout: canary, shadow, blue_green or ab_test), or put a "
    "shadow deployment or an A/B test in front of it.",
)
def rollout_strategy(ctx: Context) -> list[Hit]:
    """Each online block serving a learned model has a rollout strategy: canary, shadow, blue-green or A/B.

    A serving block passes when it (or the model it serves) declares ``rollout`` other than ``none``, when a
    shadow deployment or A/B test block is connected to it, sits in front of it on the request path, or lies
    on the deployment path from training to it or to a model block it calls, or when a registry or gate on
    that path declares a rollout. A model block called online inherits the strategy of a covered serving
    block that calls it. Serving blocks that run no learned model (a rules-only re-ranker) are not checked.

    Why: offline metrics do not guarantee online behaviour; sending a new model to 100% of traffic at once
    turns every regression into an incident. Canary or shadow traffic catches it on a small slice first.

    Fix: set ``rollout`` on the serving block, or add a shadow deployment / A/B test block.

    Source: ML Test Score I6 (models are canaried before serving); AWS ML Lens MLREL (blue/green, canary);
    Huyen, Designing ML Systems ch. 9 (shadow, A/B, canary, bandits).
    """
    units = learned_model_units(ctx, online_only=True)
    if not units:
        raise NotApplicable("no online block serves a learned model")
    r = roles(ctx)
    front = set(walk(ctx, [c.id for c in ctx.of_kind(*ROLLOUT_BLOCKS)], flows=frozenset({"request"})))
    covered: set[str] = set()
    for u in units:
        c = ctx.blocks[u]
        if u in front or _rolls_out(c) or any(_rolls_out(m) for m in _served_models(ctx, u)):
            covered.add(u)
            continue
        neighbours = [e.target for e in ctx.out_edges.get(u, ())] + [e.source for e in ctx.in_edges.get(u, ())]
        if any(ctx.blocks[n].kind in ROLLOUT_BLOCKS for n in neighbours):
            covered.add(u)
            continue
        path = _deploy_paths(ctx, u)
        if any(ctx.blocks[b].kind in ROLLOUT_BLOCKS or _rolls_out(ctx.blocks[b]) for b in path):
            covered.add(u)
    inherit_through_callers(ctx, covered, units, r.called_online)
    return [
        Hit(
            f"{quoted(ctx.blocks[u])} serves a model but declares no rollout (rollout: "
            f"{ctx.blocks[u].prop('rollout') or 'unset'}) and no shadow deployment or A/B test sits in front "
            "of it: a new version goes to all traffic at once.",
            components=(u,),
        )
        for u in judged_alone(ctx, units, r.called_online)
        if u not in covered
    ]


@rule(
    "SRV-3",
    "serving",
    "warning",
    "The previous model version is kept for rollback",
    "Serve from a model registry that keeps the previous version (model_version_kept), or set "
    "model_version_kept on the serving block.",
)
def rollback_kept(ctx: Context) -> list[Hit]:
    """Each block serving a learned model can roll back to the previous model version.

    A serving block (online or batch) passes when a model registry on its deployment path (or on the path of
    a model block it calls or loads) keeps the previous version (``model_version_kept``, on by default for
    registries), or when the block itself or the model it serves declares ``model_version_kept``. A model
    block called online inherits it from a covered serving block that calls it.

    Why: when a new model misbehaves in production the fastest fix is to put the last good one back; that
    needs the previous artifact kept and deployable, not retrained from scratch under pressure.

    Fix: deploy through a model registry that keeps versions, or declare ``model_version_kept``.

    Source: ML Test Score I7 (serving models can be rolled back); AWS ML Lens MLREL (roll back to a previous
    model version).
    """
    units = learned_model_units(ctx, online_only=False)
    if not units:
        raise NotApplicable("no block serves a learned model")
    r = roles(ctx)
    covered: set[str] = set()
    unkept: dict[str, list[str]] = {}
    for u in units:
        c = ctx.blocks[u]
        if c.flag("model_version_kept") or any(m.flag("model_version_kept") for m in _served_models(ctx, u)):
            covered.add(u)
            continue
        path = _deploy_paths(ctx, u)
        registries = [b for b in path if ctx.blocks[b].kind == "model_registry"]
        if any(ctx.blocks[b].flag("model_version_kept") for b in registries):
            covered.add(u)
        elif registries:
            unkept[u] = registries
    inherit_through_callers(ctx, covered, units, r.called_online)
    hits = []
    for u in judged_alone(ctx, units, r.called_online):
        if u in covered:
            continue
        if u in unkept:
            hits.append(Hit(
                f"{quoted(ctx.blocks[u])} is deployed from {names(ctx, unkept[u])}, which does not keep the "
                "previous model version (model_version_kept is off): a bad model cannot be rolled back.",
                components=(u, *unkept[u]),
            ))
        else:
            hits.append(Hit(
                f"{quoted(ctx.blocks[u])} serves a model with no model registry on its deployment path and does "
                "not keep the previous version (model_version_kept): a bad model cannot be rolled back quickly.",
                components=(u,),
            ))
    return hits


STORE_KINDS = kinds_in_categories("storage", "features") | frozenset({"cache"})
WRITE_PASS = STORE_KINDS | (kinds_in_categories("processing") - {"orchestrator"}) | {"anonymizer"}


@rule(
    "SRV-4",
    "serving",
    "info",
    "Batch predictions land in a store read online",
    "Write batch predictions to a store that the online path reads (a key-value store, cache or online "
    "feature store) and connect the serving block to it.",
)
def batch_predictions_read_online(ctx: Context) -> list[Hit]:
    """Batch prediction writes its results to a store that something online reads.

    Follows each batch_prediction block's outgoing data connections (up to three hops through queues,
    processing, anonymizers (a blur or redaction step on the way to publication) and stores) and passes when
    one of the stores it fills is called by a request, or feeds an online serving block. A batch job whose
    output no online block reads is flagged (it may be meant for offline use, hence info).

    Why: precomputed predictions only help users when the serving path can look them up at request time; a
    job writing into a warehouse nobody queries online spends compute for nothing user-facing.

    Fix: write the predictions to a key-value store, cache or online feature store and read it online.

    Source: Huyen, Designing ML Systems ch. 7 (batch prediction: precompute, store, look up at request time).
    """
    bps = ctx.of_kind("batch_prediction")
    if not bps:
        raise NotApplicable("no batch prediction block")
    r = roles(ctx)
    hits = []
    for bp in bps:
        reached = walk(ctx, [bp.id], flows=NON_REQUEST, passable=WRITE_PASS, depth=3)
        if any(_read_online(ctx, b, r.online_ids) for b in reached):
            continue
        if not reached:
            hits.append(Hit(f"{quoted(bp)} writes its predictions nowhere: no connection leaves it.",
                            components=(bp.id,)))
            continue
        stores = [b for b in reached if ctx.blocks[b].kind in STORE_KINDS] or list(reached)
        hits.append(Hit(
            f"{quoted(bp)} writes its predictions to {names(ctx, stores)}, which no online block reads: users "
            "never see them at request time.",
            components=(bp.id, *stores[:10]),
        ))
    return hits


def _read_online(ctx: Context, block: str, online_units: frozenset[str]) -> bool:
    if block in online_units:
        return True
    if ctx.blocks[block].kind not in STORE_KINDS:
        return False
    if any(e.flow == "request" for e in ctx.in_edges.get(block, ())):
        return True
    return any(e.target in online_units for e in ctx.out_edges.get(block, ()))

