"""Fixes for latency and timeout findings: a timeout within the SLA budget (REL-4, LAT-8), independent calls run
in parallel (LAT-1), a call to a simpler model marked as the fallback it is (LAT-1, REL-1).

Budgets come from ``mlsd.rules.paths.deadline_budgets`` (the SLA at a path's entry, less each caller's declared
p99 on the way down: deadline propagation); what parallel calls save is computed by the same latency model that
judged the path (``mlsd.analysis.latency``: a parallel block waits for its slowest callee, a sequential one for
the sum), on the design as it would be.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mlsd.analysis.failures import FALLBACK_KINDS
from mlsd.catalog import KINDS
from mlsd.edit import set_connection, set_prop
from mlsd.fixes import Change, fix
from mlsd.rules.sla import RETRIEVAL, SCORERS, ms

if TYPE_CHECKING:
    from mlsd.model import Connection, Design
    from mlsd.rules import Finding
    from mlsd.rules.context import Context

STAGE_KINDS = RETRIEVAL | SCORERS  # a funnel stage: consumes what the calls before it returned
LOOKUP_KINDS = frozenset(
    k.kind for k in KINDS.values() if k.category in ("storage", "features", "data_sources")
) - STAGE_KINDS | {"cache", "ab_testing"}  # reads that need nothing from the block's other calls


def _budget_timeouts(blocks: tuple[str, ...], ctx: Context) -> dict[str, int]:
    """``{block: its budget in whole ms}`` for the blocks whose timeout should change (the budgets are computed
    once per check, ``Context.memo``)."""
    from mlsd.rules.paths import deadline_budgets
    from mlsd.rules.roles import memo

    budgets = memo(ctx, "fixes:deadline_budgets", lambda: deadline_budgets(ctx))
    out = {}
    for block in blocks:
        x = budgets.get(block)
        if x is None or x.ms <= 0:
            continue
        value = math.floor(x.ms)
        if value <= 0 or (ctx.blocks[block].num("timeout_ms") or math.inf) == value:
            continue
        out[block] = value
    return out


def _budget_timeout(design: Design, blocks: tuple[str, ...], ctx: Context, why: str) -> Change | None:
    edited, said = design, []
    for block, value in _budget_timeouts(blocks, ctx).items():
        edited = set_prop(edited, block, "timeout_ms", value)
        said.append(f"{block}: timeout_ms → {value} ({why})")
    return (edited, "; ".join(said)) if said else None


@fix("timeout-within-budget", ("REL-4", "LAT-8"), safe=True, title="Set the timeout to the SLA budget left to the hop",
     applies=lambda design, finding, ctx: bool(_budget_timeouts(finding.components, ctx)))
def timeout_within_budget(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """REL-4 (no timeout) and LAT-8 (a timeout longer than the budget): set ``timeout_ms`` on each block the
    finding names to its budget, rounded down to a whole ms: the SLA at the path's entry, less each caller's own
    declared p99 on the way down (``mlsd.rules.paths.deadline_budgets``; Google SRE book ch. 22, deadline
    propagation). A hop whose callers already use up the SLA has no budget left; that is LAT-1's finding and
    gets no timeout here."""
    return _budget_timeout(design, finding.components, ctx, "its SLA budget")


def _calls(ctx: Context, block: str) -> list[Connection]:
    """The block's happy-path calls: request connections not marked as fallbacks."""
    return [e for e in ctx.out_edges.get(block, ()) if e.flow == "request" and not e.fallback]


def independent(ctx: Context, block: str) -> bool:
    """Whether a block's calls do not feed one another, as far as the design says: every call is a lookup (a
    store, a feature store, a data source, a cache, experiment assignment: ``LOOKUP_KINDS``), which needs nothing
    from the others. A funnel stage (retrieval, a model: it consumes what the calls before it returned), an
    access check (the request goes on only once it passes) or a proxy (the call it forwards comes last) makes
    the calls dependent. Needs two calls or more."""
    calls = _calls(ctx, block)
    return len(calls) > 1 and all(ctx.kind_of[e.target] in LOOKUP_KINDS for e in calls)


def _path_p99(design: Design, entry: str) -> float | None:
    from mlsd.analysis import analyze

    for p in analyze(design).paths:
        if p.entry == entry:
            return p.p99_ms
    return None


@fix("parallel-calls", ("LAT-1",), safe=False, title="Run independent calls in parallel")
def parallel_calls(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """LAT-1: on the path over its SLA, each block that calls its lookups one after another (``calls:
    sequential``) while none of them feeds another (``independent``: stores, caches, experiment assignment; no
    retrieval or scoring stage, access check or proxy among them) calls them at once (``calls: parallel``: the
    path waits for the slowest instead of the sum, ``mlsd.analysis.latency``). The saving is the path's p99 at
    peak before and after, computed by the same model. Needs judgement: the design does not say which call uses
    another's answer, so it is a suggestion."""
    entry = _entry_of(finding, ctx)
    if entry is None:
        return None
    path = next(p for p in ctx.analysis.paths if p.entry == entry)
    chosen = [b for b in dict.fromkeys(path.critical)
              if ctx.blocks[b].prop("calls") != "parallel" and independent(ctx, b)]
    if not chosen:
        return None
    edited = design
    for b in chosen:
        edited = set_prop(edited, b, "calls", "parallel")
    after = _path_p99(edited, entry)
    if after is None or path.p99_ms is None or after >= path.p99_ms:
        return None
    what = "; ".join(f"{b} calls {', '.join(e.target for e in _calls(ctx, b))} at once" for b in chosen)
    return edited, (f"{what}: path p99 {ms(path.p99_ms)} → {ms(after)} at peak, saves {ms(path.p99_ms - after)}")


def _entry_of(finding: Finding, ctx: Context) -> str | None:
    """The entry of the serving path a LAT-1 finding is about (its message names it; its blocks are on it)."""
    named = set(finding.components)
    for p in ctx.analysis.paths:
        if p.p99_ms is not None and p.sla_ms is not None and p.p99_ms > p.sla_ms and named <= set(p.blocks):
            return p.entry
    return None


def _fallback_call(ctx: Context, caller: str, skip: str = "") -> Connection | None:
    """A happy-path call of ``caller`` to a simpler model (heuristic baseline, logistic regression) beside a call
    to a model or inference service: the fallback it is, drawn as a plain call."""
    calls = _calls(ctx, caller)
    simple = [e for e in calls if ctx.kind_of[e.target] in FALLBACK_KINDS - {"cache"} and e.target != skip]
    models = [e for e in calls if e.target not in {s.target for s in simple}
              and (KINDS[ctx.kind_of[e.target]].category == "models" or ctx.kind_of[e.target] == "online_inference")]
    return simple[0] if simple and models else None


def _fallback_for(finding: Finding, ctx: Context) -> Connection | None:
    """The call mark-fallback would mark for a finding (None: nothing to mark)."""
    if finding.rule == "REL-1":
        callers = [p.id for b in finding.components for p in ctx.predecessors(b, ("request",))]
        skip = finding.components[0] if finding.components else ""
    else:
        entry = _entry_of(finding, ctx)
        if entry is None:
            return None
        callers = list(dict.fromkeys(next(p for p in ctx.analysis.paths if p.entry == entry).critical))
        skip = ""
    for caller in callers:
        e = _fallback_call(ctx, caller, skip)
        if e is not None:
            return e
    return None


@fix("mark-fallback", ("LAT-1", "REL-1"), safe=False, title="Mark the call to the simpler model as a fallback",
     applies=lambda design, finding, ctx: _fallback_for(finding, ctx) is not None)
def mark_fallback(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """LAT-1 and REL-1: a block that calls a model and also, on every request, a heuristic baseline or logistic
    regression (a fallback kind, ``mlsd.analysis.failures.FALLBACK_KINDS``) gets that call marked ``fallback:
    true``: made only when the model's call fails, it adds no load and no latency on the happy path
    (``Connection.fallback``) and answers when the model is down (REL-1). For REL-1 the caller of the single
    replica is the one looked at. Needs judgement: a baseline called on purpose on every request (hard rules
    that always apply) is not a fallback, so it is a suggestion."""
    e = _fallback_for(finding, ctx)
    if e is None:
        return None
    return (set_connection(design, e.id, fallback=True),
            f"connection {e.id} ({e.source} → {e.target}): fallback → true (called only when the model fails)")
