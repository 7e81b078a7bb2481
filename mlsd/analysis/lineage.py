"""Lineage and freshness: who writes each store, whether the writes reach a source, and how stale a reader's data is.

Here "component" means a placed block of a design (``mlsd.model.Component``).

- A **store** is a block of the storage or features category that holds data (every storage kind, offline and
  online feature stores, embedding stores; a feature pipeline is a job, not a store). It is **read online** when
  an online block calls it by a ``request`` connection.
- A **write** is a ``stream``, ``batch`` or ``feedback`` connection into a block. A ``request`` connection is a
  read by its caller (the data flows back in the response), never a write: a service that updates a store draws
  a stream connection to it (as the reference designs draw ``switch -stream-> txdb`` and the example draws
  ``authoriser -stream-> txn_db``). Connections that carry no data are not writes: keys (``kms``), policies
  (``access_control``), schedules (``orchestrator``), hyperparameters (``hyperparameter_tuning``) and monitoring
  signals (every monitoring kind but ``logging``). A model reaching a job that computes data (processing kinds,
  feature pipelines, ``batch_prediction``) from training, a registry, a gate or a model block is the job's
  *transform*, not its data: an item-embedding job fed only by the registry reads no item.
- A **source** is where data originates: a data source (user events, a transactional database, a third-party
  API, sensor logs), a client, a labeling block (people), or an online serving block writing what its traffic
  carries (a service updating counters on each request). A store of records that nothing writes is taken as a
  source too: an offline bulk store (data lake, warehouse, HDFS, object storage) stands for data the
  organisation already has (the photo archive, last year's logs), and a relational database for the product's
  own records (an ad inventory, a listings table), as designs commonly draw them; key-value stores, vector
  indexes, feature and embedding stores are derived views, and must be written. Staleness is counted
  from the moment the source has the data, so a source adds nothing.
- A **hop** is a block on a write path that makes readers wait: a stream processor its window or latency, a
  batch ETL, feature pipeline or batch prediction job its period (``freshness_minutes``; catalog defaults 1,
  1,440, 60 and 1,440 min), a training pipeline that writes what is served (trained item embeddings) its
  ``retrain_every_hours`` × 60. Queues, validation, privacy steps, logs, registries and stores add nothing
  (a store-to-store connection without a job declares no period: put the period on a job block).
- **Staleness** of a block is the smallest, over write paths from a source, of the slowest hop on that path
  (a bottleneck path, computed from all sources at once by Dijkstra's algorithm with ``max`` in place of ``+``:
  O((blocks + connections) log blocks), cycles such as log-and-wait loops are harmless). Two choices make it
  a lower bound, so that a finding is certain when even it exceeds a target: (1) the *freshest* writer
  counts, because a store filled by a stream and a nightly job serves its fresh part from the stream (the nightly
  job carries slow-moving data by design, as in an online feature store with a daily materialisation); (2) a
  path is as stale as its *slowest hop*, not the sum of its hops, because jobs chained in one schedule run back
  to back (a nightly DAG of features then scoring is about a day old, not two). The slowest hop is named.
- ``item_only`` runs the same computation from sources of items only: data sources but user events, clients
  (an upload) and labeling; neither user events, nor serving logs, nor the traffic of serving blocks
  (impressions) start or carry such a path. A store reached that way learns about a *new item* from the item's
  own data (a catalogue, an upload), not from interactions with it, which is what a cold-start path needs.

Source: Huyen, Designing ML Systems ch. 7 (batch vs streaming features, freshness); Kleppmann, Designing
Data-Intensive Applications ch. 10-11 (derived data, batch and stream processing); Dijkstra (1959) for the
bottleneck path (Pollack 1960, "The maximum capacity through a network").
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from mlsd.catalog import KINDS
from mlsd.model import Design

STORE_KINDS = frozenset(
    k for k, e in KINDS.items() if e.category == "storage"
) | frozenset({"offline_feature_store", "online_feature_store", "embedding_store"})
# blocks whose connections carry no data (keys, policies, schedules, hyperparameters, monitoring signals)
CONTROL_KINDS = frozenset(
    {"kms", "access_control", "orchestrator", "hyperparameter_tuning", "experiment_tracking"}
) | frozenset(k for k, e in KINDS.items() if e.category == "monitoring" and k != "logging")
# blocks that carry a trained model, not data, into a job that computes data
MODEL_CARRIER_KINDS = frozenset(
    k for k, e in KINDS.items() if e.category in ("training", "models")
) - frozenset({"labeling"})
DATA_JOB_KINDS = frozenset(
    k for k, e in KINDS.items() if e.category == "processing"
) | frozenset({"feature_pipeline", "batch_prediction"})
# stores that, when nothing writes them, stand for records the organisation already has: offline bulk stores and
# the relational database (the catalog's OLTP store for metadata and transactional lookups)
RECORD_KINDS = frozenset({"data_lake", "data_warehouse", "hdfs", "object_storage", "relational_db"})
PERIODIC_KINDS = frozenset({"stream_processor", "batch_etl", "feature_pipeline", "batch_prediction"})
ITEM_BLOCKED_KINDS = frozenset({"user_events", "logging"})  # interactions and impressions: not new items


def is_source_kind(kind: str, item_only: bool = False) -> bool:
    """Where data originates: data sources, clients, labeling, online serving blocks (their traffic); of items
    only: data sources but user events, and clients (an upload), not the traffic of serving blocks."""
    entry = KINDS[kind]
    if item_only:
        return (entry.category in ("data_sources", "clients") or kind == "labeling") and kind not in ITEM_BLOCKED_KINDS
    return (entry.category in ("data_sources", "clients") or kind == "labeling"
            or (entry.category == "serving" and entry.tier == "online"))


SOURCE_KINDS = frozenset(k for k in KINDS if is_source_kind(k))
ITEM_SOURCE_KINDS = frozenset(k for k in KINDS if is_source_kind(k, item_only=True))


class Freshness(NamedTuple):
    """How stale a block's data is at best: the slowest hop of its freshest write path, and that hop."""

    minutes: float
    slowest: str | None  # the block whose period or window sets ``minutes``; None when no hop delays it
    origin: str  # the source the freshest path starts at


Neighbours = Mapping[str, Sequence[str]]  # block -> blocks at the other end of its connections of some flows


def is_write(source_kind: str, target_kind: str) -> bool:
    """A non-request connection between these kinds carries data into its target (see the module docstring)."""
    return source_kind not in CONTROL_KINDS and not (
        source_kind in MODEL_CARRIER_KINDS and target_kind in DATA_JOB_KINDS)


class Lineage:
    """Writers, online reads and staleness of a design's blocks (see the module docstring).

    Built on neighbour maps the caller may already have (``rules.Context.neighbours``): connections are not
    copied into new per-block lists, which on a large design would mostly feed the garbage collector."""

    def __init__(self, kind_of: Mapping[str, str], props_of: Callable[[str], Mapping[str, object]],
                 written: Neighbours, writing: Neighbours, callers: Neighbours, item_only: bool = False) -> None:
        self.kind_of = kind_of
        self._written, self._writing = written, writing  # forward and backward along stream, batch, feedback
        self.hops: dict[str, float] = {}  # block -> minutes it delays what passes through it (only those that do)
        online = ONLINE_KINDS
        reads: dict[str, tuple[str, ...]] = {}
        for block, kind in kind_of.items():
            if kind in HOP_KINDS:
                minutes = hop_minutes(kind, props_of(block), KINDS[kind].props)
                if minutes > 0:
                    self.hops[block] = minutes
            elif kind in STORE_KINDS:
                readers = tuple(r for r in callers.get(block, ()) if kind_of[r] in online)
                if readers:
                    reads[block] = tuple(dict.fromkeys(readers))
        self.online_reads = reads  # store -> online blocks reading it by request, in connection order
        blocked = ITEM_BLOCKED_KINDS if item_only else frozenset()
        source_kinds = ITEM_SOURCE_KINDS if item_only else SOURCE_KINDS
        sources = [b for b, kind in kind_of.items()
                   if kind in source_kinds or (kind in RECORD_KINDS and not self.writers_of(b))]
        self.fresh: dict[str, Freshness] = _bottleneck(sources, kind_of, written, self.hops, blocked)

    def writers_of(self, block: str) -> tuple[str, ...]:
        """Blocks writing data into ``block``, in connection order."""
        kind_of, kind = self.kind_of, self.kind_of[block]
        return tuple(dict.fromkeys(w for w in self._writing.get(block, ()) if is_write(kind_of[w], kind)))


def hop_minutes(kind: str, props: Mapping[str, object], defaults: Mapping[str, object]) -> float:
    """Minutes a block on a write path delays its data (0 for blocks that pass data straight on)."""
    if kind in PERIODIC_KINDS:
        name, scale = "freshness_minutes", 1.0
    elif kind == "training_pipeline":
        name, scale = "retrain_every_hours", 60.0
    else:
        return 0.0
    value = props.get(name, defaults.get(name))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value) * scale


HOP_KINDS = PERIODIC_KINDS | {"training_pipeline"}
ONLINE_KINDS = frozenset(k for k, e in KINDS.items() if e.tier == "online")
NON_REQUEST = frozenset({"stream", "batch", "feedback"})


def lineage(design: Design, item_only: bool = False) -> Lineage:
    """Writers, online reads and staleness of every block of a design (``item_only``: from item sources only)."""
    written: dict[str, list[str]] = {}
    writing: dict[str, list[str]] = {}
    callers: dict[str, list[str]] = {}
    for e in design.connections:
        if e.flow in NON_REQUEST:
            written.setdefault(e.source, []).append(e.target)
            writing.setdefault(e.target, []).append(e.source)
        else:
            callers.setdefault(e.target, []).append(e.source)
    props = {c.id: c.props for c in design.components}
    return Lineage({c.id: c.kind for c in design.components}, props.__getitem__, written, writing, callers,
                   item_only)


def _bottleneck(sources: list[str], kind_of: Mapping[str, str], written: Neighbours, hops: Mapping[str, float],
                blocked: frozenset[str]) -> dict[str, Freshness]:
    """Dijkstra from every source at once, a path's cost being its slowest hop (sources and blocked kinds
    excluded): each block's smallest cost, the hop that sets it and the source it starts at.

    Most blocks add nothing, so the blocks of one cost are settled by a plain depth-first pass and only a block
    whose hop raises the cost waits in the heap (one heap entry per such block, not per connection)."""
    fresh: dict[str, Freshness] = {}
    heap: list[tuple[float, int, str, str]] = []
    order = 0
    cost = 0.0
    stack: list[tuple[str, str | None, str]] = [(b, None, b) for b in reversed(sources)]
    while True:
        while stack:
            block, slowest, origin = stack.pop()
            if block in fresh:
                continue
            fresh[block] = Freshness(cost, slowest, origin)
            kind = kind_of[block]
            for nxt in written.get(block, ()):
                if nxt in fresh or kind_of[nxt] in blocked or not is_write(kind, kind_of[nxt]):
                    continue
                hop = hops.get(nxt, 0.0)
                if hop > cost:
                    order += 1
                    heapq.heappush(heap, (hop, order, nxt, origin))
                elif hop and hop == cost:  # on a tie the hop nearer the reader is named (the rebuild, not the ETL)
                    stack.append((nxt, nxt, origin))
                else:
                    stack.append((nxt, slowest, origin))
        while heap and heap[0][2] in fresh:
            heapq.heappop(heap)
        if not heap:
            return fresh
        cost = heap[0][0]
        while heap and heap[0][0] == cost:
            _, _, block, origin = heapq.heappop(heap)
            stack.append((block, block, origin))
