"""The whiteboard canvas protocol: the props Python sends down and the events the browser sends up.

Down (``build_props``): the graph drawn from an ``mlsd.model.Design`` (blocks, connections), findings badges per
block, the palette catalog, the read-only flag and the id of the last event Python has handled. The graph and the
badges carry a version, and once the canvas applies changes only the changes since the last version go down
(``components.whiteboard.delta``). The canvas redraws from these props and never echoes them back, so a rerun with
the same input draws the same thing.

Up (``read_batch``): one event per user action, as a small delta (moved ids and positions, an added block, removed
ids, a connection, a flow change...). Every event carries an ``id`` unique within the browser session. A Streamlit
component value holds only its latest value, so the canvas sends ``{"events": [...]}``, every event Python has not
acknowledged yet, in order; Python handles the ones after the last id it handled, and passes that id back down as
``ack``, whereupon the canvas drops them. So two quick actions are never one lost event, a rerun never handles an
event twice, and no timestamps or generations are involved.

Everything from the browser is untrusted: ``parse_event`` checks shape, types, sizes and bounds, and raises
``ProtocolError`` with one clear line; it never changes anything. This module is pure Python (no Streamlit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from components.whiteboard.delta import Sent, graph_props
from mlsd.catalog import CATEGORIES, KINDS
from mlsd.model import FLOWS, MAX_LABEL, Design, Flow, Identifier

SEVERITY_ORDER = ("error", "warning", "info")
MAX_BATCH = 500  # unacknowledged events in one value
MAX_IDS = 20_000  # ids in one event (a select-all and delete of the largest design)
COORD = 1e7  # the model's position bound

EventId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:\-]{1,64}$")]
Coord = Annotated[float, Field(ge=-COORD, le=COORD, allow_inf_nan=False)]
Ids = Annotated[list[Identifier], Field(max_length=MAX_IDS)]


class ProtocolError(ValueError):
    """An event from the browser that is not well formed; the message is one line naming the problem."""


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: EventId


class Move(_Event):
    """Blocks dragged or nudged: their new positions (canvas units, top-left corner)."""

    type: Literal["move"]
    positions: Annotated[dict[Identifier, tuple[Coord, Coord]], Field(min_length=1, max_length=MAX_IDS)]


class Add(_Event):
    """A palette tile dropped on the canvas: a new block of ``kind`` at the pointer."""

    type: Literal["add"]
    kind: str
    x: Coord
    y: Coord


class Duplicate(_Event):
    """Paste or duplicate: copies of ``blocks`` (with their props and the connections among them), shifted."""

    type: Literal["duplicate"]
    blocks: Annotated[list[Identifier], Field(min_length=1, max_length=MAX_IDS)]
    dx: Coord = 40.0
    dy: Coord = 40.0


class Remove(_Event):
    """Delete/Backspace on a selection: blocks (with their connections) and connections."""

    type: Literal["remove"]
    blocks: Ids = Field(default_factory=list)
    connections: Ids = Field(default_factory=list)


class Connect(_Event):
    """A connection drawn from one block's handle to another's."""

    type: Literal["connect"]
    source: Identifier
    target: Identifier
    flow: Flow = "request"


class SetFlow(_Event):
    """The flow chosen in an edge's menu."""

    type: Literal["set_flow"]
    connection: Identifier
    flow: Flow


class SetFallback(_Event):
    """The fallback toggle in an edge's menu."""

    type: Literal["set_fallback"]
    connection: Identifier
    fallback: bool


class SetLabel(_Event):
    """A block's label edited on the canvas (double-click)."""

    type: Literal["set_label"]
    block: Identifier
    label: Annotated[str, Field(max_length=MAX_LABEL)]


class Select(_Event):
    """The selection changed (click, shift-click, box select, Enter on a focused block, Escape)."""

    type: Literal["select"]
    blocks: Ids = Field(default_factory=list)
    connections: Ids = Field(default_factory=list)


class Findings(_Event):
    """A block's findings badge was clicked: show that block's findings."""

    type: Literal["findings"]
    block: Identifier


class Comments(_Event):
    """A block's or connection's comments badge was clicked: show its review comments."""

    type: Literal["comments"]
    block: Identifier  # the block's or the connection's id


class Resync(_Event):
    """The canvas could not apply the changes it was sent (it holds another version): send the whole graph."""

    type: Literal["resync"]
    have: Annotated[int, Field(ge=0)] = 0


class Undo(_Event):
    type: Literal["undo"]


class Redo(_Event):
    type: Literal["redo"]


class AutoLayout(_Event):
    """Lay out these blocks (all blocks when empty)."""

    type: Literal["auto_layout"]
    blocks: Ids = Field(default_factory=list)


Event = Annotated[
    Move | Add | Duplicate | Remove | Connect | SetFlow | SetFallback | SetLabel | Select | Findings | Comments | Undo
    | Redo | AutoLayout | Resync,
    Field(discriminator="type"),
]
EVENT_TYPES = ("move", "add", "duplicate", "remove", "connect", "set_flow", "set_fallback", "set_label", "select",
               "findings", "comments", "undo", "redo", "auto_layout", "resync")
_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(raw: object) -> Event:
    """Validate one event from the browser; ``ProtocolError`` (one line) when it is not well formed."""
    if not isinstance(raw, Mapping):
        raise ProtocolError(f"an event must be an object, got {type(raw).__name__}")
    kind = raw.get("type")
    if kind not in EVENT_TYPES:
        shown = repr(kind)[:40]
        raise ProtocolError(f"unknown event type {shown}; expected one of {', '.join(EVENT_TYPES)}")
    try:
        return _ADAPTER.validate_python(dict(raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"][1:]) or "event"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ProtocolError(f"{kind} event: {where}: {first['msg']}{more}") from None


@dataclass(frozen=True)
class Batch:
    """The events of one component value that Python has not handled yet, the id to acknowledge, and the
    problems of the events that were refused (each refused event changes nothing)."""

    events: tuple[Event, ...]
    ack: str
    errors: tuple[str, ...] = ()
    have: int | None = None  # the graph version the canvas holds, when it applies changes (``delta``)


def read_batch(raw: object, ack: str) -> Batch:
    """The new events in a component value ``{"events": [...], "have": version}``: those after the event ``ack``
    (all of them when ``ack`` is not among them, as after the canvas dropped the acknowledged ones or the page was
    reloaded). ``have`` (optional) is the version of the graph the canvas holds."""
    if (not isinstance(raw, Mapping) or "events" not in raw or not set(raw) <= {"events", "have"}
            or not isinstance(raw["events"], list)):
        return Batch((), ack, ("the canvas value must be an object with a key events holding a list (and "
                               "optionally have, a version)",))
    have = raw.get("have")
    if have is not None and (not isinstance(have, int) or isinstance(have, bool) or not 0 <= have < 2**53):
        return Batch((), ack, ("the canvas value's have must be a version number",))
    items: list[object] = raw["events"]
    if len(items) > MAX_BATCH:
        return Batch((), ack, (f"the canvas sent {len(items)} events at once; at most {MAX_BATCH} are read",))
    ids = [item.get("id") if isinstance(item, Mapping) else None for item in items]
    start = ids.index(ack) + 1 if ack and ack in ids else 0
    events: list[Event] = []
    errors: list[str] = []
    for item in items[start:]:
        try:
            events.append(parse_event(item))
        except ProtocolError as exc:
            errors.append(str(exc))
    last = next((str(i) for i in reversed(ids[start:]) if isinstance(i, str) and i), ack)
    return Batch(tuple(events), last[:64], tuple(errors), have)


# -- props going down ---------------------------------------------------------------------------------------


def badges(findings: Iterable[Any], comments: Mapping[str, int] | None = None) -> dict[str, dict[str, object]]:
    """Per block: how many unwaived findings name it and the worst severity among them; per block or connection
    with open review threads, ``comments``: how many (``mlsd.comments.badge_counts``).

    ``findings`` are ``mlsd.rules.Finding``-like objects (``components``, ``severity``, ``waived``).
    """
    out: dict[str, dict[str, object]] = {}
    for f in findings:
        if getattr(f, "waived", False):
            continue
        for block in f.components:
            entry = out.setdefault(block, {"count": 0, "severity": "info"})
            entry["count"] = int(str(entry["count"])) + 1
            if SEVERITY_ORDER.index(f.severity) < SEVERITY_ORDER.index(str(entry["severity"])):
                entry["severity"] = f.severity
    for item, count in (comments or {}).items():
        if count > 0:
            out.setdefault(item, {"count": 0, "severity": "info"})["comments"] = int(count)
    return out


def palette() -> list[dict[str, str]]:
    """The palette catalog: one tile per kind, in catalog order, with its category's label and colour."""
    return [
        {"kind": k.kind, "label": k.label, "category": k.category, "category_label": CATEGORIES[k.category].label,
         "color": CATEGORIES[k.category].color, "purpose": k.purpose}
        for k in KINDS.values()
    ]


def graph(design: Design) -> dict[str, list[dict[str, object]]]:
    """The blocks and connections of ``design`` as the canvas draws them."""
    nodes = []
    for c in design.components:
        kind = KINDS[c.kind]
        nodes.append({
            "id": c.id, "kind": c.kind, "label": c.title, "caption": kind.label, "category": kind.category,
            "color": CATEGORIES[kind.category].color, "x": c.position.x, "y": c.position.y,
        })
    edges = [
        {"id": e.id, "source": e.source, "target": e.target, "flow": e.flow, "fallback": e.fallback,
         "label": e.label or ""}
        for e in design.connections
    ]
    return {"nodes": nodes, "edges": edges}


def build_props(design: Design, findings: Iterable[Any] = (), *, read_only: bool = False, ack: str = "",
                height: int = 640, selected: str | None = None, sent: Sent | None = None,
                deltas: bool = False, comments: Mapping[str, int] | None = None) -> dict[str, object]:
    """Everything the canvas needs to draw ``design``; the same input gives the same props.

    ``selected`` is the block or connection selected on the Python side (the inspector, a finding): when it
    changes, the canvas selects it too and scrolls it into view. ``sent`` and ``deltas``: see ``props_and_sent``."""
    return props_and_sent(design, findings, read_only=read_only, ack=ack, height=height, selected=selected,
                          sent=sent, deltas=deltas, comments=comments)[0]


def props_and_sent(design: Design, findings: Iterable[Any] = (), *, read_only: bool = False, ack: str = "",
                   height: int = 640, selected: str | None = None, sent: Sent | None = None,
                   deltas: bool = False, comments: Mapping[str, int] | None = None) -> tuple[dict[str, object], Sent]:
    """``build_props`` and what it sends of the graph: the whole graph, or (``deltas``: the canvas applies changes)
    only the changes since ``sent`` (``components.whiteboard.delta``)."""
    carried, now = graph_props(graph(design), badges(findings, comments), sent, deltas)
    if "graph" in carried:  # the palette never changes: it goes with the whole graph, and the canvas keeps it
        carried["palette"] = [] if read_only else palette()
    return {
        **carried,
        "flows": list(FLOWS),
        "read_only": read_only,
        "ack": ack,
        "height": height,
        "selected": selected,
    }, now


__all__ = [
    "EVENT_TYPES", "Add", "AutoLayout", "Batch", "Comments", "Connect", "Duplicate", "Event", "Findings", "Move",
    "ProtocolError", "Redo", "Remove", "Resync", "Select", "SetFallback", "SetFlow", "SetLabel", "Undo", "badges",
    "build_props", "graph", "palette", "parse_event", "props_and_sent", "read_batch",
]
