"""Request paths: the call trees that start at entry blocks and follow ``request`` connections.

Here "component" means a placed block of a design (``mlsd.model.Component``).

- A request path starts at an entry block (a ``client``, or any block with outgoing ``request`` connections and
  no incoming ones) and follows ``request`` connections. A block with ``calls: parallel`` waits for the slowest
  of its downstream request targets (max); otherwise it calls them one after another (sum).
- The request graph is walked once, iteratively (no recursion, so 10,000-block chains are fine), depth first
  from the entry blocks in design order, then from every other block. An edge that closes a cycle (a back edge
  of that walk) is reported in ``cycles`` and dropped; what remains is a DAG processed in topological order.
- A block reached through two parents is called twice: it counts in each branch.
- ``critical`` lists the blocks the conservative p99 (the sum of declared p99s) is made of, in call order: every
  callee of a sequential block, the slowest callee of a parallel one (a block called twice appears twice), so
  their declared p99s add up to the path's ``p99_sum_ms``. It is cut at ``MAX_CRITICAL`` entries, which only a
  pathological DAG (chained sequential diamonds double the calls at each step) reaches.
- A path is user-facing (held to the SLA, given the peak load) when ``is_serving_entry`` says so; an entry fed
  by a queue or a stream is an asynchronous consumer, judged against its lag target instead (``entries``).
- A request connection marked ``fallback: true`` is called only when its source's other calls fail: it is left
  out of the call graph (no load, no latency on the happy path) and kept in ``Graph.fallbacks`` for the failure
  what-ifs and the degraded-path check. Its target still counts as called (it is not an entry).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from itertools import accumulate

from mlsd.catalog import KINDS
from mlsd.catalog.props import PropValue
from mlsd.model import Component, Design

MAX_CRITICAL = 10_000  # longest ``critical`` list reported (a DAG of sequential diamonds grows exponentially)
MAX_CYCLES = 100  # most cycles reported (every back edge is dropped regardless)
NON_SERVING_ENTRY_CATEGORIES = frozenset({"processing", "data_sources", "monitoring"})

Props = dict[str, PropValue]


@dataclass
class Parts:
    """The design's blocks as parallel lists by position: ids, kinds and own props. Each is read from the
    pydantic objects once (on a large design such reads, scattered in memory, are a large part of the cost)."""

    ids: list[str]
    kinds: list[str]
    props: list[Props]

    @classmethod
    def of(cls, design: Design) -> Parts:
        comps = design.components
        return cls([c.id for c in comps], [c.kind for c in comps], [c.props for c in comps])


@dataclass
class Graph:
    """The request graph with back edges removed, indexed by block position.

    A block's calls are tuples (``kids``, and the matching connection ids in ``kid_conns``), not lists: the
    garbage collector stops tracking tuples of numbers and strings at its next pass, so even a 10,000-block
    graph leaves nothing for the costly full collections to scan.
    """

    ids: list[str]
    kids: list[tuple[int, ...]]  # blocks each block calls, back edges excluded, in connection order
    kid_conns: list[tuple[str, ...]]  # the ids of those request connections, in the same order
    entries: list[int]
    reach_post: list[int]  # blocks reachable from an entry, children before parents
    cycles: list[tuple[str, ...]]
    fallbacks: dict[int, tuple[int, ...]] = field(default_factory=dict)  # source -> targets of its fallback calls


@dataclass
class _Adjacency:
    """Request connections grouped by source in flat lists: block v's are slots ``first[v]`` to
    ``first[v + 1] - 1``, in connection order (one list for all blocks instead of one list per block)."""

    first: list[int]
    target: list[int]  # block position called through each slot
    conn: list[str]  # connection id of each slot
    called: bytearray  # 1 for a block that some request connection targets
    fallbacks: dict[int, tuple[int, ...]]  # source -> targets of its ``fallback: true`` request connections


def _request_adjacency(design: Design, index: dict[str, int]) -> _Adjacency:
    n = len(index)
    sources: list[int] = []
    targets: list[int] = []
    conns: list[str] = []
    called = bytearray(n)
    fallbacks: dict[int, tuple[int, ...]] = {}
    for e in design.connections:
        if e.flow == "request":
            t = index[e.target]
            if e.fallback:  # off the happy path; its target is still called, so not an entry
                called[t] = 1
                s = index[e.source]
                fallbacks[s] = (*fallbacks.get(s, ()), t)
                continue
            sources.append(index[e.source])
            targets.append(t)
            conns.append(e.id)
            called[t] = 1
    counts = [0] * n
    for s in sources:
        counts[s] += 1
    first = [0, *accumulate(counts)]
    free = first[:n]  # next free slot of each source
    slot_target = [0] * len(sources)
    slot_conn = [""] * len(sources)
    for s, t, cid in zip(sources, targets, conns, strict=True):
        k = free[s]
        free[s] = k + 1
        slot_target[k] = t
        slot_conn[k] = cid
    return _Adjacency(first, slot_target, slot_conn, called, fallbacks)


def request_graph(design: Design, parts: Parts, consumers: Collection[int] = ()) -> Graph:
    """The request graph; ``consumers`` (asynchronous consumers, see ``entries``) are entries even when they call
    nothing."""
    ids, kinds = parts.ids, parts.kinds
    n = len(ids)
    adj = _request_adjacency(design, {b: i for i, b in enumerate(ids)})
    first, slot_target = adj.first, adj.target
    entries = [i for i in range(n) if (first[i] < first[i + 1] and (kinds[i] == "client" or not adj.called[i]))
               or i in consumers]

    color = bytearray(n)  # 0 unseen, 1 on the walk's stack, 2 done
    pos = [0] * n  # position on the stack while colour is 1
    back = bytearray(len(slot_target))  # 1 for a slot whose connection closes a cycle
    post: list[int] = []
    cycles: list[tuple[str, ...]] = []
    seen_cycles: set[tuple[str, ...]] = set()

    def walk(root: int) -> None:
        stack_v = [root]
        stack_i = [first[root]]  # next slot to follow of each block on the stack
        color[root] = 1
        pos[root] = 0
        while stack_v:
            v = stack_v[-1]
            i = stack_i[-1]
            if i < first[v + 1]:
                stack_i[-1] = i + 1
                w = slot_target[i]
                cw = color[w]
                if cw == 0:
                    color[w] = 1
                    pos[w] = len(stack_v)
                    stack_v.append(w)
                    stack_i.append(first[w])
                elif cw == 1:  # back edge: closes a cycle; reported, not followed
                    back[i] = 1
                    if len(cycles) < MAX_CYCLES:
                        cyc = tuple(ids[x] for x in stack_v[pos[w]:])
                        if cyc not in seen_cycles:
                            seen_cycles.add(cyc)
                            cycles.append(cyc)
            else:
                color[v] = 2
                post.append(v)
                stack_v.pop()
                stack_i.pop()

    for root in entries:
        if not color[root]:
            walk(root)
    reach_count = len(post)  # everything walked so far is reachable from an entry
    for root in range(n):
        if first[root] < first[root + 1] and not color[root]:
            walk(root)
    kids, kid_conns = _children(adj, back)
    return Graph(ids, kids, kid_conns, entries, post[:reach_count], cycles, adj.fallbacks)


def _children(adj: _Adjacency, back: bytearray) -> tuple[list[tuple[int, ...]], list[tuple[str, ...]]]:
    """Each block's calls as tuples, the connections that close a cycle (``back``) left out."""
    first, slot_target, slot_conn = adj.first, adj.target, adj.conn
    n = len(first) - 1
    kids: list[tuple[int, ...]] = [()] * n
    kid_conns: list[tuple[str, ...]] = [()] * n
    cyclic = any(back)
    for v in range(n):
        a, b = first[v], first[v + 1]
        if a == b:
            continue
        if cyclic:
            kept = [k for k in range(a, b) if not back[k]]
            kids[v] = tuple(slot_target[k] for k in kept)
            kid_conns[v] = tuple(slot_conn[k] for k in kept)
        else:
            kids[v] = tuple(slot_target[a:b])
            kid_conns[v] = tuple(slot_conn[a:b])
    return kids, kid_conns



def call_tree(entry: int, g: Graph) -> tuple[list[int], list[str]]:
    """The blocks one entry's requests reach, depth first, first call first (the order in which blocks are first
    called), and the request connections of that tree."""
    blocks: list[int] = []
    conns: list[str] = []
    done: set[int] = set()
    stack = [entry]
    kids_of, kid_conns = g.kids, g.kid_conns
    while stack:
        v = stack.pop()
        if v in done:  # a block called from two branches is listed once, where it is first called
            continue
        done.add(v)
        blocks.append(v)
        kids = kids_of[v]
        if kids:
            conns.extend(kid_conns[v])
            stack.extend(reversed(kids))
    return blocks, conns


def critical_chain(entry: int, kids_of: list[tuple[int, ...]], parallel: list[bool], t99: list[float]) -> list[int]:
    """The blocks that make up the conservative p99, in call order: every callee of a sequential block, the
    slowest callee of a parallel one. Capped at ``MAX_CRITICAL`` entries."""
    out: list[int] = []
    stack = [entry]
    while stack and len(out) < MAX_CRITICAL:
        v = stack.pop()
        out.append(v)
        kids = kids_of[v]
        if not kids:
            continue
        if parallel[v]:
            best = kids[0]
            for w in kids[1:]:
                if t99[w] > t99[best]:
                    best = w
            stack.append(best)
        else:
            stack.extend(reversed(kids))
    return out

def is_serving_entry(c: Component) -> bool:
    """Whether a request path starting at this block is user-facing traffic (held to the SLA, gets peak QPS).

    Clients are; so is any online-tier block outside processing, data sources and monitoring. A batch job,
    stream processor or dashboard that calls a model is not user-facing traffic.
    """
    kind = KINDS[c.kind]
    if c.kind == "client":
        return True
    return kind.tier == "online" and kind.category not in NON_SERVING_ENTRY_CATEGORIES

