"""The endpoint rule of the privacy & security checklist (SEC-8): clients reach model inference only through a
block that authenticates them.

Here "component" means a placed block of a design (``mlsd.model.Component``); request paths and serving paths
are those of ``mlsd.rules.sla``.
"""

from __future__ import annotations

from collections import deque

from mlsd.catalog import KINDS
from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.pii_flow import INFERENCE_KINDS, MAX_HOPS_SHOWN
from mlsd.rules.sla import chain, name, names, on_serving_path


@rule(
    "SEC-8", "privacy", "warning", "Inference is reached through an authenticated gateway",
    "Route clients through an api_gateway with authenticated: true (OAuth, API keys, mTLS).",
)
def inference_behind_authentication(ctx: Context) -> list[Hit]:
    """Clients reach model inference only through a block that authenticates them.

    Walks request connections from every client; the walk stops at any block with ``authenticated``
    (normally the api_gateway). An inference block (online_inference, candidate_generation, reranker, model
    blocks) reached before that fails.
    Why: an open inference endpoint invites scraping, model extraction and denial of wallet (GPU cost).
    Fix: authenticate at the gateway.
    Source: AWS Well-Architected ML Lens, Security pillar (protect endpoints); OWASP ML Security Top 10, ML05.
    """
    clients = [c.id for c in ctx.of_kind("client") if any(e.flow == "request" for e in ctx.out_edges.get(c.id, ()))]
    if not clients:
        raise NotApplicable("no client makes requests")
    on_path = on_serving_path(ctx)
    if not any(_is_inference(c) for c in ctx.design.components if c.id in on_path):
        raise NotApplicable("no model inference on a request path")
    origin = {c: c for c in clients}
    parent: dict[str, str] = {}
    queue = deque(clients)
    hits = []
    while queue:
        node = queue.popleft()
        for e in ctx.out_edges.get(node, ()):
            nxt = e.target
            if e.flow != "request" or nxt in origin:
                continue
            origin[nxt] = origin[node]
            parent[nxt] = node
            c = ctx.blocks[nxt]
            if c.flag("authenticated"):
                continue
            if _is_inference(c):
                hops = [nxt]
                while hops[-1] in parent and len(hops) <= MAX_HOPS_SHOWN:
                    hops.append(parent[hops[-1]])
                gateways = [h for h in reversed(hops) if ctx.blocks[h].kind == "api_gateway"]
                advice = f"; {names(ctx, gateways)} does not authenticate callers" if gateways else ""
                hits.append(Hit(
                    f"{name(ctx, nxt)} ({c.kind}) is reachable from {name(ctx, origin[nxt])} without "
                    f"authentication: {chain(ctx, tuple(reversed(hops)))}{advice}.",
                    components=(nxt,),
                ))
            queue.append(nxt)
    return hits


def _is_inference(c: Component) -> bool:
    return c.kind in INFERENCE_KINDS or (KINDS[c.kind].category == "models" and c.kind != "heuristic_baseline")
