"""Fixes for inference reachable without authentication (SEC-8): authenticate at the open gateway, or put an
authenticating gateway in front of the entry point clients call.

SEC-8 reports one finding per cause (``mlsd.rules.privacy_endpoints``): an api_gateway that does not authenticate
(the finding names the gateway), or, with no gateway on the way, the entry point clients call first (the finding
names the entry). Each fix answers one of the two; which one is read from the kind of the block the finding names.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mlsd.analysis.failures import places
from mlsd.edit import set_prop
from mlsd.fixes import Change, fix
from mlsd.fixes.steps import Inserting

if TYPE_CHECKING:
    from mlsd.model import Design
    from mlsd.rules import Finding
    from mlsd.rules.context import Context

GATEWAY = "api_gateway"


def _cause(finding: Finding, ctx: Context) -> str | None:
    """The block SEC-8's finding charges (the open gateway or the entry point), when the design still has it."""
    block = finding.components[0] if finding.components else ""
    return block if block in ctx.blocks else None


def _open_gateway(design: Design, finding: Finding, ctx: Context) -> bool:
    cause = _cause(finding, ctx)
    return cause is not None and ctx.kind_of[cause] == GATEWAY and not ctx.blocks[cause].flag("authenticated")


def _client_calls(design: Design, entry: str) -> list[str]:
    """The request connections from clients to ``entry``, in design order (the calls SEC-8 starts its walk at).
    Read from ``design``, the design as edited so far (``apply_fixes`` may have changed it since the check)."""
    kinds = {c.id: c.kind for c in design.components}
    return [e.id for e in design.connections
            if e.target == entry and e.flow == "request" and kinds.get(e.source) == "client"]


def _open_entry(design: Design, finding: Finding, ctx: Context) -> bool:
    cause = _cause(finding, ctx)
    # the check's context (one lookup per finding: the Board asks this for every SEC-8 finding of a large design)
    return cause is not None and ctx.kind_of[cause] != GATEWAY and any(
        e.flow == "request" and ctx.kind_of.get(e.source) == "client" for e in ctx.in_edges.get(cause, ()))


def _sized(design: Design, gateway: str, ctx: Context) -> tuple[Design, list[str]]:
    """The new gateway with the replicas and the timeout the design needs, computed on the design with it, by the
    models that judge them: at least CAP-1's ``needed_replicas`` (``mlsd.analysis.capacity``: the peak reaching
    it × (1 + headroom) / qps_per_replica), and enough that losing one of its n regions leaves that many
    (``ceil(needed × n / (n − 1))``, as REL-3's fix does); ``timeout_ms`` at most its SLA budget (the SLA, as the
    path's new entry: ``mlsd.rules.paths.deadline_budgets``, as LAT-8 judges it)."""
    from mlsd.rules.context import Context as Ctx
    from mlsd.rules.paths import deadline_budgets

    after = Ctx(design, ctx.settings)
    c = after.blocks[gateway]
    said = []
    tier = after.analysis.capacity.get(gateway)
    needed = tier.needed_replicas if tier is not None and tier.needed_replicas else 0
    n = len(places(c.props))
    want = max(needed, math.ceil(needed * n / (n - 1)) if n > 1 else 0)
    if want > c.num("replicas", 1.0):
        design = set_prop(design, gateway, "replicas", want)
        said.append(f"replicas → {want} (peak + headroom{f', survives losing 1 of {n} regions' if n > 1 else ''})")
    budget = deadline_budgets(after).get(gateway)
    if budget is not None and budget.ms >= 1 and math.floor(budget.ms) < c.num("timeout_ms", math.inf):
        design = set_prop(design, gateway, "timeout_ms", math.floor(budget.ms))
        said.append(f"timeout_ms → {math.floor(budget.ms)} (the SLA)")
    return design, said


@fix("authenticate-gateway", ("SEC-8",), safe=True, title="Authenticate callers at the gateway",
     applies=_open_gateway)
def authenticate_gateway(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """SEC-8, an api_gateway that does not authenticate: set ``authenticated: true`` on the gateway the finding
    names (OAuth, API keys or mTLS at the front door; AWS Well-Architected ML Lens, Security pillar; OWASP ML
    Security Top 10, ML05). One declared property changes, which is what the finding asks, so the fix is safe;
    every inference block reachable only through that gateway is then behind authentication."""
    if not _open_gateway(design, finding, ctx):
        return None
    gateway = finding.components[0]
    return set_prop(design, gateway, "authenticated", True), f"{gateway}: authenticated → true"


@fix("gateway-in-front", ("SEC-8",), safe=False, title="Put an authenticating API gateway in front of the entry",
     applies=_open_entry)
def gateway_in_front(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """SEC-8, clients entering at a block with no api_gateway on the way: a new api_gateway with ``authenticated:
    true`` between the clients and the entry point the finding names. Every request connection from a client to
    the entry now ends at the gateway (same id, flow and label), and one request connection gateway → entry
    carries them on (``Inserting.insert_before``; placed between them on the grid, ``mlsd.placing``). The gateway
    starts from the catalog's api_gateway defaults (``mlsd.catalog``: p50 2 ms, p99 5 ms, 20,000 qps per replica,
    3 replicas, its timeout), which add its p99 to the path, with as many replicas as the peak reaching it needs
    and a timeout within the SLA (``_sized``); it runs in the entry's regions and declares
    ``encrypted_in_transit`` when the entry does, so the clients' calls stay where and as they were. Calls to
    the entry from blocks other than clients are left alone
    (they are inside the system). Needs judgement: it adds a block and a hop to the request path, and a
    design may already authenticate elsewhere (at a load balancer that does, say: then set ``authenticated`` on
    it instead), so it is a suggestion."""
    if not _open_entry(design, finding, ctx):
        return None
    entry = finding.components[0]
    calls = _client_calls(design, entry)
    if not calls:
        return None
    edit = Inserting(design)
    gateway = edit.insert_before(entry, calls, GATEWAY, label="API gateway (authenticates)")
    edited = set_prop(edit.design(), gateway, "authenticated", True)
    said = [f"+ block {gateway} (api_gateway, authenticated: true) in front of {entry}"]
    if ctx.blocks[entry].flag("encrypted_in_transit"):
        edited = set_prop(edited, gateway, "encrypted_in_transit", True)
        said[0] += ", encrypted_in_transit: true"
    regions = places(ctx.blocks[entry].props)
    if regions:
        edited = set_prop(edited, gateway, "regions", regions)
        said[0] += f", regions: {', '.join(regions)}"
    sources = {e.id: e.source for e in design.connections}
    clients = list(dict.fromkeys(sources[c] for c in calls))
    said.append(f"{', '.join(clients)} → {gateway} → {entry}")
    edited, sized = _sized(edited, gateway, ctx)
    said.extend(f"{gateway}: {s}" for s in sized)
    return edited, "; ".join(said)
