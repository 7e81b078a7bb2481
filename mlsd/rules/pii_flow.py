"""Where personal data flows: the walk from the blocks marked ``pii`` that the privacy rules share (see
``mlsd.rules.privacy`` for the semantics: where a flow stops, what a store keeps, what a lookup carries).

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from mlsd.catalog import KINDS
from mlsd.model import Component, Connection
from mlsd.rules.context import Context
from mlsd.rules.engine import NotApplicable
from mlsd.rules.sla import chain

STOP_KINDS = frozenset({"anonymizer", "differential_privacy"})
# control and observability blocks: they receive data but send on only triggers, alerts and charts
NO_FORWARD_KINDS = frozenset({"drift_detector", "orchestrator", "alerting", "metrics_dashboard"})
HALT_KINDS = STOP_KINDS | NO_FORWARD_KINDS  # the PII flow reaches these blocks but does not go beyond them
STORE_CATEGORIES = frozenset({"storage", "features"})
KEPT_ON_REQUEST = frozenset({"logging"})
# where raw personal data must not land: ML and analytics sinks (SEC-4)
ML_SINKS = frozenset({
    "labeling", "training_pipeline", "hyperparameter_tuning", "offline_feature_store", "online_feature_store",
    "embedding_store", "logging", "data_warehouse", "data_lake", "hdfs",
})
TRAINING_KINDS = frozenset({"training_pipeline", "hyperparameter_tuning"})
INFERENCE_KINDS = frozenset({"online_inference", "candidate_generation", "reranker"})
MAX_HOPS_SHOWN = 6  # a longer route is shown as its origin, '…' and its last hops
ROUTES_SHOWN = 3  # routes into a sink named in a SEC-4 message; more are counted

_FLOWS: WeakKeyDictionary[Context, PiiFlow] = WeakKeyDictionary()


def is_store(c: Component) -> bool:
    """A block that keeps data: storage and features kinds, and any block with ``storage_gb``."""
    return KINDS[c.kind].category in STORE_CATEGORIES or c.num("storage_gb") > 0


def keeps_at_rest(c: Component) -> bool:
    """A block that keeps what it receives: a store, or a block of any other kind that declares how long it
    keeps data (``retention_days``, own or its kind's default; 0 means forever)."""
    return is_store(c) or c.prop("retention_days") is not None


def stores_personal_data(c: Component) -> bool:
    """The block is marked ``pii`` and keeps data at rest: what SEC-1, SEC-3 and SEC-5 check."""
    return c.flag("pii") and keeps_at_rest(c)


def purpose(c: Component) -> str:
    """Why the block keeps personal data (``pii_purpose``: dispute evidence, a detector's training set, the
    user's own content), '' when it declares none. A purpose makes identifiable data legitimate at that block;
    it must then be protected by the controls of ``purpose_controls_missing``."""
    value = c.prop("pii_purpose")
    return value.strip() if isinstance(value, str) else ""


def encrypted(ctx: Context, c: Component) -> bool:
    """Encrypted at rest: ``encrypted_at_rest`` or a connected ``kms`` block."""
    return c.flag("encrypted_at_rest") or any(n.kind == "kms" for n in neighbours(ctx, c.id))


def access_controlled(ctx: Context, c: Component) -> bool:
    """``access_controlled`` or a connected ``access_control`` block."""
    return c.flag("access_controlled") or any(n.kind == "access_control" for n in neighbours(ctx, c.id))


def retention_bounded(c: Component) -> bool:
    """Kept for a limited time: ``retention_days`` above 0, or for the account's life
    (``kept_for_account_lifetime``) with erasure when the account or the person asks (``erasure_supported``)."""
    return c.num("retention_days") > 0 or (c.flag("kept_for_account_lifetime") and c.flag("erasure_supported"))


def purpose_controls_missing(ctx: Context, c: Component) -> list[str]:
    """The controls a block keeping personal data for a purpose lacks, as prop names for a message.

    Every such block needs access control and an audit trail (``audit_logged``); one that keeps data at rest
    (``keeps_at_rest``) also needs encryption at rest and a bounded retention. For a block marked ``pii`` that
    keeps data at rest, encryption, access and retention are SEC-1's, SEC-3's and SEC-5's findings already,
    so only the audit trail is returned for it (one missing control, one finding).
    """
    missing = []
    checked_elsewhere = stores_personal_data(c)
    if not checked_elsewhere and not access_controlled(ctx, c):
        missing.append("access_controlled")
    if not checked_elsewhere and keeps_at_rest(c):
        if not encrypted(ctx, c):
            missing.append("encrypted_at_rest")
        if not retention_bounded(c):
            missing.append("retention_days (or kept_for_account_lifetime with erasure_supported)")
    if not c.flag("audit_logged"):
        missing.append("audit_logged")
    return missing


def carries(ctx: Context, e: Connection) -> bool:
    """Whether data moves into the connection's target (a request into a store is a lookup, not a write)."""
    if e.flow != "request":
        return True
    target = ctx.blocks[e.target]
    return target.kind in KEPT_ON_REQUEST or not is_store(target)


@dataclass
class PiiFlow:
    """Where raw personal data goes: seeds (pii blocks), and every block it reaches with the hop it came by."""

    seeds: list[str]
    parent: dict[str, tuple[str, str]]  # reached block -> (block it came from, connection id)
    origin: dict[str, str]  # reached block or seed -> the pii block its data comes from

    def carrier(self, ctx: Context, block_id: str) -> bool:
        """The block holds raw PII and passes it on (seeds and reached blocks, except anonymizers, DP steps and
        the control blocks that send on only signals)."""
        return block_id in self.origin and ctx.blocks[block_id].kind not in HALT_KINDS


def route(
    ctx: Context, parent: dict[str, tuple[str, str]], origin: dict[str, str], block_id: str, then: str | None = None
) -> str:
    """'origin → ... → block_id [→ then]' as titles, following ``parent`` back to the origin; long routes keep
    their origin and last hops."""
    hops = [block_id]
    node = block_id
    while node in parent and len(hops) < MAX_HOPS_SHOWN:
        node = parent[node][0]
        hops.append(node)
    ids = (*reversed(hops), *((then,) if then else ()))
    if node not in parent:
        return chain(ctx, ids)
    return f"{ctx.blocks[origin[block_id]].title} → … → {chain(ctx, ids)}"


def spread(ctx: Context, seeds: Iterable[str]) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Multi-source breadth-first walk along carrying connections; it reaches anonymizers, DP blocks and control
    blocks (``HALT_KINDS``) but does not go beyond them."""
    origin = {s: s for s in seeds}
    parent: dict[str, tuple[str, str]] = {}
    queue = deque(origin)
    while queue:
        node = queue.popleft()
        if ctx.blocks[node].kind in HALT_KINDS:
            continue
        for e in ctx.out_edges.get(node, ()):
            nxt = e.target
            if nxt in origin or not carries(ctx, e):
                continue
            origin[nxt] = origin[node]
            parent[nxt] = (node, e.id)
            queue.append(nxt)
    return parent, origin


def pii_flow(ctx: Context) -> PiiFlow:
    """The design's PII flow (computed once per context)."""
    found = _FLOWS.get(ctx)
    if found is None:
        seeds = [c.id for c in ctx.design.components if c.flag("pii")]
        parent, origin = spread(ctx, seeds)
        found = PiiFlow(seeds, parent, origin)
        _FLOWS[ctx] = found
    return found


def pii_stores(ctx: Context) -> list[Component]:
    flow = pii_flow(ctx)
    if not flow.seeds:
        raise NotApplicable("no block is marked pii")
    stores = [ctx.blocks[b] for b in flow.seeds if stores_personal_data(ctx.blocks[b])]
    if not stores:
        raise NotApplicable(
            "no store holds personal data (no block with pii is a store or declares retention_days)"
        )
    return stores


def holds(c: Component) -> str:
    """How the block holds personal data, for a message: 'stores' for a store, the retention for a queue."""
    if is_store(c):
        return "stores personal data (pii)"
    days = c.num("retention_days")
    kept = f"for {days:g} day{'' if days == 1 else 's'}" if days > 0 else "forever (retention_days 0)"
    return f"keeps personal data (pii) at rest {kept}"


def neighbours(ctx: Context, block_id: str) -> list[Component]:
    return [*ctx.successors(block_id), *ctx.predecessors(block_id)]
