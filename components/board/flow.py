"""The drag-and-drop canvas (a Streamlit UI piece) over streamlit-flow-component (React Flow).

Here "component" means a Streamlit UI piece; the blocks drawn are ``mlsd.model.Component``.

``flow_state(design, findings, selected, timestamp)`` draws a design as React Flow nodes and edges;
``read_canvas(design, state)`` turns what the person did on the canvas (moved, connected, deleted, selected)
into a new Design plus a list of human-readable changes. Both are plain functions that tests can drive.

How the canvas and Python stay in step (checked against streamlit-flow 1.6.1's frontend):
- The frontend replaces its nodes with Python's only when the state's ``timestamp`` is newer than its own last
  report, and then reports them straight back (twice: once for the new nodes, once after its layout pass).
  Python therefore pushes a new timestamp only when *it* changed the design (palette, inspector, undo...), and
  leaves the timestamp alone after a drag, so the canvas keeps what the person did.
- Every node carries ``data.gen``, the timestamp of the push it came from. A report whose nodes come from an
  older push was sent before the frontend saw Python's latest design, so it is ignored rather than allowed to
  undo that change, and Python pushes again above that report's timestamp (the frontend, having reported after
  the push was made, would ignore it otherwise). A report is applied once: the component keeps returning its
  last value on later reruns.
- The frontend names a new connection ``st-flow-edge_<source>-<target>``; Python gives it a ``c<n>`` id and
  pushes, so that the next report carries the design's id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from streamlit_flow import StreamlitFlowEdge, StreamlitFlowNode, StreamlitFlowState, streamlit_flow

from components.board import state as bs
from components.board.marks import worst_by_block
from components.common.markup import plain
from mlsd.catalog import CATEGORIES, KINDS
from mlsd.edit import BLOCK_W, next_connection_id
from mlsd.model import MAX_LABEL, Connection, Design, Position
from mlsd.rules import Finding

CANVAS_KEY = "board.canvas"  # the streamlit_flow widget key; AppTest sets session_state[CANVAS_KEY] to simulate it
FLOW_STYLE: dict[str, dict[str, object]] = {
    "request": {"stroke": "#37474f", "strokeWidth": 2},
    "stream": {"stroke": "#00838f", "strokeWidth": 2, "strokeDasharray": "6 3"},
    "batch": {"stroke": "#8d6e63", "strokeWidth": 1.5, "strokeDasharray": "2 3"},
    "feedback": {"stroke": "#6a1b9a", "strokeWidth": 1.5, "strokeDasharray": "8 4"},
}
SEVERITY_BORDER = {"error": "#d32f2f", "warning": "#f9a825"}
SEVERITY_MARK = {"error": "⛔", "warning": "⚠️"}
MAX_EDGE_LABEL = 60


def md_text(text: str) -> str:
    """User text made safe for the canvas' Markdown: every punctuation escaped, so HTML, links and $math$ show
    as typed (the canvas renders react-markdown with GFM, math and highlighting, without raw HTML)."""
    return plain(text)


def node_content(title: str, kind: str, severity: str | None) -> str:
    """The Markdown shown inside a block: a severity marker, the title in bold, the kind with its icon."""
    entry = KINDS[kind]
    marker = SEVERITY_MARK.get(severity or "", "")
    head = f"{marker} " if marker else ""
    return f"{head}**{md_text(title)}**  \n{CATEGORIES[entry.category].icon} {md_text(entry.label)}"


def flow_state(design: Design, findings: Iterable[Finding] | None = None, selected: str | None = None,
               timestamp: int | None = None) -> StreamlitFlowState:
    """The canvas state for a design: blocks styled by category, a red/amber marker where findings are."""
    worst = worst_by_block(findings or ())
    stamp = int(timestamp) if timestamp is not None else 0
    nodes = []
    for c in design.components:
        kind = KINDS[c.kind]
        severity = worst.get(c.id)
        style: dict[str, object] = {
            "background": CATEGORIES[kind.category].color,
            "border": f"{3 if severity else 1}px solid {SEVERITY_BORDER.get(severity or '', '#90a4ae')}",
            "borderRadius": "8px",
            "fontSize": "12px",
            "width": f"{BLOCK_W:.0f}px",
            "height": "auto",
            "padding": "6px",
        }
        nodes.append(
            StreamlitFlowNode(
                id=c.id,
                pos=(c.position.x, c.position.y),
                data={"content": node_content(c.title, c.kind, severity), "gen": stamp},
                node_type="default",
                source_position="right",
                target_position="left",
                selected=c.id == selected,
                selectable=True,
                connectable=True,
                deletable=True,
                style=style,
            )
        )
    edges = [
        StreamlitFlowEdge(
            id=e.id,
            source=e.source,
            target=e.target,
            edge_type="default",
            marker_end={"type": "arrowclosed"},
            animated=e.flow == "stream",
            selected=e.id == selected,
            deletable=True,
            focusable=True,
            label=edge_label(e),
            label_show_bg=True,
            style=dict(FLOW_STYLE[e.flow]),
        )
        for e in design.connections
    ]
    state = StreamlitFlowState(nodes=nodes, edges=edges, selected_id=selected)
    if timestamp is not None:
        state.timestamp = stamp
    return state


def edge_label(conn: Connection) -> str:
    """Text on an arrow (drawn by React Flow as SVG text, so no escaping is needed): label, else the flow."""
    text = " ".join((conn.label or conn.flow).split())
    return text if len(text) <= MAX_EDGE_LABEL else text[: MAX_EDGE_LABEL - 1] + "…"


def state_from_value(value: Mapping[str, Any]) -> StreamlitFlowState:
    """The frontend's raw value (``nodes``, ``edges``, ``selectedId``, ``timestamp``) as a flow state."""
    return StreamlitFlowState(
        nodes=[StreamlitFlowNode.from_dict(n) for n in value.get("nodes", [])],
        edges=[StreamlitFlowEdge.from_dict(e) for e in value.get("edges", [])],
        selected_id=value.get("selectedId"),
        timestamp=int(value.get("timestamp") or 0),
    )


def generation(state: StreamlitFlowState) -> int | None:
    """The push a reported state descends from (the oldest ``data.gen`` of its nodes); None without nodes."""
    if not state.nodes:
        return None
    gens = [n.data.get("gen") if isinstance(n.data, dict) else None for n in state.nodes]
    if any(isinstance(g, bool) or not isinstance(g, int | float) for g in gens):
        return -1  # a node without a generation: not from a state Python pushed
    return int(min(g for g in gens if isinstance(g, int | float)))


@dataclass
class CanvasChange:
    """What the person did on the canvas, applied to the design."""

    design: Design
    changes: list[str] = field(default_factory=list)
    selected: str | None = None  # block or connection the person clicked (None: the report says nothing)
    structural: bool = False  # blocks or connections were added or removed (not only moved)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def read_canvas(design: Design, state: StreamlitFlowState, new_flow: str = "request") -> CanvasChange:
    """Apply the canvas' returned state to the design: moves, new and deleted connections, deleted blocks.

    New connections (dragged from a handle) get the flow ``new_flow`` and a fresh ``c<n>`` id; an edge the
    canvas names by its own id but whose ends match an existing connection is that connection. A connection that
    would duplicate another, loop on one block or touch an unknown block is ignored. Blocks only the canvas
    knows are ignored (blocks are added through the palette).
    """
    changes: list[str] = []
    structural = False
    by_id = {c.id: c for c in design.components}
    seen_nodes = {n.id: n for n in state.nodes}
    components = []
    for c in design.components:
        node = seen_nodes.get(c.id)
        if node is None:
            changes.append(f"deleted block {c.title!r}")
            structural = True
            continue
        try:
            x, y = float(node.position["x"]), float(node.position["y"])
        except (KeyError, TypeError, ValueError):
            x, y = c.position.x, c.position.y
        if (abs(x - c.position.x) > 0.5 or abs(y - c.position.y) > 0.5) and abs(x) < 1e7 and abs(y) < 1e7:
            c = c.model_copy(update={"position": Position(x=round(x, 1), y=round(y, 1))})
            changes.append(f"moved {c.title!r}")
        components.append(c)
    kept = {c.id for c in components}

    edges_by_id = {e.id: e for e in state.edges}
    pairs_reported = {(e.source, e.target) for e in state.edges}
    connections = []
    for e in design.connections:
        if e.source not in kept or e.target not in kept:
            structural = True  # went with a deleted block
            continue
        if e.id in edges_by_id or (e.source, e.target) in pairs_reported:
            shown = edges_by_id.get(e.id)
            text = shown.label if shown is not None and isinstance(shown.label, str) else None
            if text is not None and text != edge_label(e):  # renamed with the arrow's "Edit Edge" menu
                label = " ".join(text.split())[:MAX_LABEL] or None
                if label != e.label:
                    e = e.model_copy(update={"label": label})
                    changes.append(f"labelled connection {by_id[e.source].title!r} → {by_id[e.target].title!r}")
                    structural = True
            connections.append(e)
            continue
        changes.append(f"deleted connection {by_id[e.source].title!r} → {by_id[e.target].title!r}")
        structural = True
    pairs = {(e.source, e.target) for e in connections}
    known_ids = {e.id for e in design.connections}
    selected_map: dict[str, str] = {}
    for edge in state.edges:
        if edge.id in known_ids:
            continue
        pair = (edge.source, edge.target)
        if edge.source not in kept or edge.target not in kept or edge.source == edge.target:
            continue
        if pair in pairs:
            selected_map[edge.id] = next((e.id for e in connections if (e.source, e.target) == pair), "")
            continue
        new_id = next_connection_id(design, taken=[e.id for e in connections])
        selected_map[edge.id] = new_id
        pairs.add(pair)
        connections.append(Connection(id=new_id, source=edge.source, target=edge.target, flow=new_flow))
        changes.append(f"connected {by_id[edge.source].title!r} → {by_id[edge.target].title!r} ({new_flow})")
        structural = True

    waivers = []
    for w in design.waivers:
        if w.components and not all(b in kept for b in w.components):
            rest = [b for b in w.components if b in kept]
            if not rest:
                continue
            w = w.model_copy(update={"components": rest})
        waivers.append(w)
    new = design.model_copy(update={"components": components, "connections": connections, "waivers": waivers})

    chosen = selected_map.get(state.selected_id or "", state.selected_id)
    selected = chosen if chosen and (chosen in kept or chosen in {e.id for e in connections}) else None
    return CanvasChange(new if changes else design, changes, selected, structural)


# -- on the page --------------------------------------------------------------------------------------------


def apply_canvas_report() -> None:
    """Apply the canvas' latest report to the board, once; call before anything is drawn.

    A report already read changes nothing. A report from before the canvas received Python's latest push (its
    nodes carry an older ``gen``) is not applied; Python pushes again with a timestamp above that report's, since
    the frontend, having reported after the push was made, would otherwise ignore it. A click selects; a move
    is kept without redrawing the canvas (the person's drag stays as it is); a new or deleted connection or block
    redraws it so that ids and styles follow.
    """
    raw = st.session_state.get(CANVAS_KEY)
    if not isinstance(raw, Mapping):
        return
    stamp = raw.get("timestamp")
    if isinstance(stamp, bool) or not isinstance(stamp, int | float) or stamp == bs.canvas_seen():
        return
    bs.set_canvas_seen(int(stamp))
    try:
        state = state_from_value(raw)
    except (AssertionError, KeyError, TypeError, ValueError, AttributeError):
        return  # not the shape the frontend sends: nothing to apply
    design = bs.design()
    gen = generation(state)
    if gen is None:  # an empty canvas: it has nothing, or the person deleted the last block
        current = not design.components or (bs.canvas_acked() and len(design.components) == 1)
    else:
        current = gen == bs.canvas_ts()
    if not current:
        bs.push_canvas()
        return
    bs.set_canvas_acked()
    if _content_edited(design, state, bs.markers()):
        bs.push_canvas()
        bs.flash("info", "A block's label is edited in the Inspector (click the block); the canvas shows it again "
                         "as it is in the design.")
    change = read_canvas(design, state, bs.new_flow())
    if change.changed:
        bs.commit(change.design, push=change.structural)
    if change.selected is not None and change.selected != bs.selected():
        bs.select(change.selected, push=False)
        bs.show_panel("Inspector")


def _content_edited(design: Design, state: StreamlitFlowState, marks: Mapping[str, str]) -> bool:
    """Whether the person changed a block's text with the canvas' "Edit Node" menu (the design keeps labels)."""
    blocks = design.by_id()
    for n in state.nodes:
        block = blocks.get(n.id)
        content = n.data.get("content") if isinstance(n.data, dict) else None
        if block is not None and content != node_content(block.title, block.kind, marks.get(n.id)):
            return True
    return False


def show_canvas(findings: Iterable[Finding], height: int = 540) -> None:
    """Draw the canvas for the board's design (its timestamp says whether the frontend must redraw)."""
    state = flow_state(bs.design(), findings, bs.selected(), bs.canvas_ts())
    streamlit_flow(
        CANVAS_KEY, state, height=height, fit_view=True, allow_new_edges=True, get_node_on_click=True,
        get_edge_on_click=True, enable_node_menu=True, enable_edge_menu=True, min_zoom=0.1, hide_watermark=True,
        show_controls=True,
    )


def show_canvas_help() -> None:
    """The flow type for new connections, and how to use the canvas."""
    st.segmented_control(
        "Flow of new connections", list(FLOW_STYLE), key=bs.BoardKey.NEW_FLOW.value, required=True,
        help="The flow type a connection you draw on the canvas gets: request = a synchronous call (counts "
             "toward the SLA), stream, batch, feedback. Change a connection's type in the inspector.",
    )
    st.caption(
        "Drag blocks to arrange them; drag from a block's right handle to another block to connect; click to "
        "edit; right-click to delete. ⛔ / ⚠️ mark blocks with errors / warnings. Arrows: solid = request, "
        "moving dashes = stream, dots = batch, long dashes = feedback."
    )
