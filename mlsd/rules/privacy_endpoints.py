"""The endpoint rule of the privacy & security checklist (SEC-8): clients reach model inference only through a
block that authenticates them, reported once per cause (the gateway that does not authenticate, or the entry
point that has no gateway), not once per model behind it.

Here "component" means a placed block of a design (``mlsd.model.Component``); request paths and serving paths
are those of ``mlsd.rules.sla``.
"""

from __future__ import annotations

from collections import deque

from mlsd.catalog import KINDS
from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.pii_flow import INFERENCE_KINDS
from mlsd.rules.sla import chain, name, on_serving_path
from mlsd.text import counted

NAMES_SHOWN = 3  # inference blocks named in a finding; the rest are counted ('and 9 more')

State = tuple[str, str]  # (block reached, the cause its route is charged to)


@rule(
    "SEC-8", "privacy", "warning", "Inference is reached through an authenticated gateway",
    "Route clients through an api_gateway with authenticated: true (OAuth, API keys, mTLS).",
)
def inference_behind_authentication(ctx: Context) -> list[Hit]:
    """Clients reach model inference only through a block that authenticates them.

    Walks request connections from every client; a route stops at any block with ``authenticated`` (normally
    the api_gateway). An inference block (online_inference, candidate_generation, reranker, model blocks)
    reached before that fails, and the route is charged to its cause, one finding per cause:

    - the first api_gateway on the route, when it does not authenticate: the gateway is where the fix goes
      (``authenticated: true``), so one finding names it, how many inference blocks are reachable through it and
      one example route, however many models sit behind it;
    - otherwise (no api_gateway on the way) the route's entry point, the first block a client calls on it
      (a load balancer, a service, or the model itself): that is where a gateway must be put in front, and every
      model behind one entry is answered by that one gateway. The entry is chosen over the client because
      clients that share an entry share its fix, and over the model because one gateway covers all the models
      behind it.

    A model reachable both through an open gateway and around it counts under both causes: each needs its own
    fix. The design fails exactly when some inference block is reachable without authentication.
    Why: an open inference endpoint invites scraping, model extraction and denial of wallet (GPU cost).
    Fix: authenticate at the gateway, or put an authenticating gateway in front of the entry point.
    Source: AWS Well-Architected ML Lens, Security pillar (protect endpoints); OWASP ML Security Top 10, ML05.
    """
    clients = [c.id for c in ctx.of_kind("client") if any(e.flow == "request" for e in ctx.out_edges.get(c.id, ()))]
    if not clients:
        raise NotApplicable("no client makes requests")
    on_path = on_serving_path(ctx)
    if not any(_is_inference(c) for c in ctx.design.components if c.id in on_path):
        raise NotApplicable("no model inference on a request path")
    is_client = set(clients) | {c.id for c in ctx.of_kind("client")}
    reached: dict[str, dict[str, None]] = {}  # cause -> inference blocks, in the order the walk reaches them
    example: dict[str, State] = {}  # cause -> the state of its first inference block, for the example route
    parent: dict[State, State | str] = {}  # state -> the state before it (a client id at the route's start)
    queue: deque[State] = deque()

    def visit(block: str, cause: str, before: State | str) -> None:
        c = ctx.blocks[block]
        if c.kind == "api_gateway" and ctx.blocks[cause].kind != "api_gateway":
            cause = block  # the first gateway on the route carries the blame from here on
        state = (block, cause)
        if state in parent:
            return
        parent[state] = before
        if c.flag("authenticated"):
            return
        if _is_inference(c):
            found = reached.setdefault(cause, {})
            found[block] = None
            example.setdefault(cause, state)
        queue.append(state)

    for client in clients:
        for e in ctx.out_edges.get(client, ()):
            if e.flow == "request" and e.target not in is_client:
                visit(e.target, e.target, client)
    while queue:
        state = queue.popleft()
        for e in ctx.out_edges.get(state[0], ()):
            if e.flow == "request" and e.target not in is_client:
                visit(e.target, state[1], state)
    return [_hit(ctx, cause, list(models), _route(parent, example[cause])) for cause, models in reached.items()]


def _route(parent: dict[State, State | str], state: State) -> tuple[str, ...]:
    """The blocks from the client to ``state``'s block along the walk's first route there."""
    hops = [state[0]]
    step = parent[state]
    while not isinstance(step, str):
        hops.append(step[0])
        step = parent[step]
    hops.append(step)
    return tuple(reversed(hops))


def _hit(ctx: Context, cause: str, models: list[str], route: tuple[str, ...]) -> Hit:
    shown = counted([name(ctx, m) for m in models[:NAMES_SHOWN]], len(models))
    many = f"{len(models)} inference blocks are" if len(models) > 1 else "1 inference block is"
    c = ctx.blocks[cause]
    if c.kind == "api_gateway":
        return Hit(
            f"{name(ctx, cause)} (api_gateway) does not authenticate callers, and {many} reachable through it: "
            f"{shown}. Example route: {chain(ctx, route)}.",
            components=(cause,),
            fix=f"Set authenticated: true on {name(ctx, cause)} (OAuth, API keys, mTLS).",
        )
    return Hit(
        f"Clients enter at {name(ctx, cause)} ({c.kind}) with no api_gateway on the way, and {many} reachable "
        f"from there without authentication: {shown}. Example route: {chain(ctx, route)}.",
        components=(cause,),
        fix=f"Put an api_gateway with authenticated: true (OAuth, API keys, mTLS) in front of {name(ctx, cause)}.",
    )


def _is_inference(c: Component) -> bool:
    return c.kind in INFERENCE_KINDS or (KINDS[c.kind].category == "models" and c.kind != "heuristic_baseline")
