"""Only what changed goes down to the canvas: the graph and badges as a version and the changes since the last
version sent, once the canvas has shown it can apply them.

Every rerun draws the canvas again, and a 1,000-block design is ~300 kB of JSON (Python dumps it, Streamlit ships
it, the page parses it and hands it to the iframe, which compares it with what it drew). ``graph_props`` compares
the new graph with the one last sent (a dict comparison, ~1 ms at 1,000 blocks) and sends:

- the whole graph with its version, the first time, and whenever the canvas has not said it speaks deltas (it says
  so by sending ``have``, its version, with its events; AppTest, which simulates the canvas, never does);
- just the version, when nothing changed (a selection, a prop the canvas does not draw);
- else the version, the ``base`` version it applies to, and the changed or new records and the removed ids.

A canvas that holds another version than ``base`` (a fresh iframe, a lost message) cannot apply the changes: it
sends a ``resync`` event and the next run sends the whole graph again, with the next version (versions only count
up, so no change is ever applied to a same-numbered version of another lineage). Pure: no Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]


@dataclass(frozen=True)
class Sent:
    """What the canvas was last sent: the version and the records by id."""

    version: int
    nodes: dict[str, Record]
    edges: dict[str, Record]
    badges: dict[str, Record]


def _changed(old: Mapping[str, Record], new: Mapping[str, Record]) -> tuple[list[Record], list[str]]:
    return [r for i, r in new.items() if old.get(i) != r], [i for i in old if i not in new]


def graph_props(graph: Mapping[str, list[Record]], badges: Mapping[str, Record], sent: Sent | None,
                deltas: bool) -> tuple[dict[str, object], Sent]:
    """The props that carry ``graph`` and ``badges`` to a canvas last sent ``sent``, and what is sent now."""
    nodes = {str(n["id"]): n for n in graph["nodes"]}
    edges = {str(e["id"]): e for e in graph["edges"]}
    same = sent is not None and sent.nodes == nodes and sent.edges == edges and sent.badges == badges
    version = (sent.version if same else sent.version + 1) if sent is not None else 1
    now = Sent(version, nodes, edges, dict(badges))
    if not deltas or sent is None:  # the whole graph (its version still counts up from ``sent``)
        return {"version": version, "graph": {"nodes": list(graph["nodes"]), "edges": list(graph["edges"])},
                "badges": dict(badges)}, now
    if same:
        return {"version": version}, now
    changed_nodes, removed_nodes = _changed(sent.nodes, nodes)
    changed_edges, removed_edges = _changed(sent.edges, edges)
    _, removed_badges = _changed(sent.badges, now.badges)
    return {"version": version, "base": sent.version, "changes": {
        "nodes": changed_nodes, "removed_nodes": removed_nodes,
        "edges": changed_edges, "removed_edges": removed_edges,
        "badges": {i: b for i, b in now.badges.items() if sent.badges.get(i) != b}, "removed_badges": removed_badges,
    }}, now


__all__ = ["Sent", "graph_props"]
