"""Work on stores: the round trips a caller that handles n candidates makes to the stores it reads.

Here "component" means a placed block of a design (``mlsd.model.Component``).

A ranker scoring 1,000 candidates reads their features: 1,000 keys per request, not one. Each request
connection from a caller into a store is a number of store calls per request (1 unless this model says
otherwise), and the store's arrival rate is the caller's outgoing rate × those calls (see ``traffic``):
- Items a caller handles per request: its own ``items_scored`` (a ranker, a multi-stage ranker, a re-ranker, a
  model), or, for a block without one (a serving block that gathers candidates and hands them to its ranker), the
  largest ``items_scored`` among the blocks it calls by request. Retrieval blocks (``candidate_generation``,
  ``vector_index``) count their ``items_scored`` as what they return, not what they read: their stores are read
  per request unless they declare ``keys_per_item`` themselves.
- Stores read per item: ``online_feature_store`` and ``embedding_store`` hold data keyed by item (features,
  embeddings), so a caller handling n > 1 items reads ``keys_per_item`` keys of each, 1 by default (the
  upper bound the review takes: one key per candidate, Xu & Aminian ch. 6; research/senior-review.md §3.4).
  Other stores (``kv_store``, ``relational_db``, ``cache``, object and document stores) usually answer one key
  per request (an inbox, a profile, a list of friends); they are read per item only when the caller declares
  ``keys_per_item`` > 0. An ANN index (``vector_index``) is queried once per request.
- Calls per request = max(1, ⌈n × ``keys_per_item`` × (1 − ``local_cache_hit_rate``) ÷ ``keys_per_read``⌉),
  every number the caller's own: ``keys_per_read`` is the multi-get size (1 by default: one key per round trip,
  the honest default since a store's req/s capacity counts round trips; Redis MGET, DynamoDB BatchGetItem up to
  100 keys, Feast/Tecton online reads batch by entity list), ``local_cache_hit_rate`` the share of keys the
  caller answers from its own in-process cache. A request that reads anything makes at least one round trip;
  the user's and context keys ride in the same multi-get. So 60,000 req/s × 1,000 candidates × 1 key ÷ 100 per
  multi-get = 600,000 store calls/s.
- A store's latency per call does not change with the keys it returns (the calls of one request go out in
  parallel and the caller waits for one call's latency; the cost of bigger multi-gets is in the store's declared
  ``qps_per_replica``, which the designer sets for the multi-get size used).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mlsd.analysis.paths import Graph, Parts
from mlsd.catalog import KINDS
from mlsd.catalog.props import PropValue

PER_ITEM_STORE_KINDS = frozenset({"online_feature_store", "embedding_store"})
STORE_CATEGORIES = frozenset({"storage", "features"})
STORE_KINDS = frozenset({"cache"})
PER_REQUEST_KINDS = frozenset({"vector_index"})  # an ANN query is one call whatever it returns
RETRIEVAL_KINDS = frozenset({"candidate_generation", "vector_index"})  # items_scored is what they return


def is_store(kind: str) -> bool:
    """A kind that holds data a caller reads by key (per-item reads can land on it)."""
    return kind not in PER_REQUEST_KINDS and (kind in STORE_KINDS or KINDS[kind].category in STORE_CATEGORIES)


def _num(props: dict[str, PropValue], kind: str, name: str) -> float | None:
    value = props[name] if name in props else KINDS[kind].props.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def items_handled(v: int, parts: Parts, g: Graph) -> float:
    """Items block ``v`` handles per request (see the module docstring): its own items_scored, else the largest
    of the blocks it calls."""
    kind, props = parts.kinds[v], parts.props[v]
    own = _num(props, kind, "items_scored")
    if own is not None and own > 1 and (kind not in RETRIEVAL_KINDS or "keys_per_item" in props):
        return own
    if kind in RETRIEVAL_KINDS:
        return 0.0
    best = 0.0
    for w in g.kids[v]:
        n = _num(parts.props[w], parts.kinds[w], "items_scored")
        if n is not None and n > best:
            best = n
    return best


def calls_per_request(items: float, keys_per_item: float, keys_per_read: float, local_hit: float) -> float:
    """Store round trips per request for ``items`` candidates (at least one)."""
    keys = items * keys_per_item * (1.0 - local_hit)
    return max(1.0, float(math.ceil(round(keys / keys_per_read, 9))))


@dataclass(frozen=True, slots=True)
class StoreRead:
    """How one caller reads one store per candidate: the terms of ``calls_per_request``."""

    items: float  # candidates the caller handles per request
    keys_per_item: float
    keys_per_read: float
    local_hit: float
    calls: float  # store round trips per request


def store_reads(parts: Parts, g: Graph) -> dict[int, dict[int, StoreRead]]:
    """Per-candidate reads along request connections that make more than one store call per request:
    {caller: {store: terms}}. Connections not listed make one call per request."""
    out: dict[int, dict[int, StoreRead]] = {}
    kinds, props = parts.kinds, parts.props
    for v in g.reach_post:
        stores = [w for w in g.kids[v] if is_store(kinds[w])]
        if not stores:
            continue
        items = items_handled(v, parts, g)
        if items <= 1:
            continue
        own = props[v]
        declared = _num(own, kinds[v], "keys_per_item")
        per_read = max(_num(own, kinds[v], "keys_per_read") or 1.0, 1.0)
        local_hit = min(max(_num(own, kinds[v], "local_cache_hit_rate") or 0.0, 0.0), 1.0)
        for w in stores:
            per_item = declared if declared is not None else 1.0 if kinds[w] in PER_ITEM_STORE_KINDS else 0.0
            if per_item <= 0:
                continue
            calls = calls_per_request(items, per_item, per_read, local_hit)
            if calls > 1.0:
                out.setdefault(v, {})[w] = StoreRead(items, per_item, per_read, local_hit, calls)
    return out


def store_calls(reads: dict[int, dict[int, StoreRead]]) -> dict[int, dict[int, float]]:
    """The calls per request of ``store_reads``, as ``traffic.block_rates`` takes them."""
    return {v: {w: r.calls for w, r in stores.items()} for v, stores in reads.items()}
