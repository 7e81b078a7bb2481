"""Apply a whiteboard canvas event to a design, through ``mlsd.edit`` (the one history of pure edits).

``apply(design, event)`` returns an ``Outcome``: the edited design (the same object when the event edits nothing),
the ids of blocks or connections it created (for the page to select), and a ``request`` for events the page
answers itself (undo, redo, auto-layout, show findings, selection). An edit that ``mlsd.edit`` refuses (a block
that no longer exists, a duplicate connection) raises ``mlsd.io.DesignError``; the design is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.whiteboard.protocol import (
    Add,
    AutoLayout,
    Comments,
    Connect,
    Duplicate,
    Event,
    Findings,
    Move,
    Redo,
    Remove,
    Select,
    SetFallback,
    SetFlow,
    SetLabel,
    Undo,
)
from mlsd import edit
from mlsd.io import DesignError
from mlsd.model import Design
from mlsd.placing import copy_offset


@dataclass(frozen=True)
class Outcome:
    """What one event did: the design after it, new ids, and what the page is asked to do."""

    design: Design
    created: tuple[str, ...] = ()
    request: str | None = None  # "undo", "redo", "auto_layout", "findings", "comments", "select"
    blocks: tuple[str, ...] = ()  # the blocks the request is about

    @property
    def edited(self) -> bool:
        return self.request is None


def _duplicate(design: Design, event: Duplicate) -> tuple[Design, tuple[str, ...]]:
    """Copies of the blocks and of the connections among them, shifted together by the event's offset when
    that puts no copy on a block, else to the nearest free place (``mlsd.placing.copy_offset``)."""
    by_id = {c.id: c for c in design.components}
    copies: dict[str, str] = {}
    if missing := [b for b in event.blocks if b not in by_id]:
        raise DesignError([f"block {missing[0]!r} is not a block of this design"])
    dx, dy = copy_offset([(by_id[b].position.x, by_id[b].position.y) for b in dict.fromkeys(event.blocks)],
                         [(c.position.x, c.position.y) for c in design.components], (event.dx, event.dy))
    for block_id in dict.fromkeys(event.blocks):
        old = by_id[block_id]
        design, new_id = edit.add_block(design, old.kind, old.label, (old.position.x + dx, old.position.y + dy))
        defaults = next(c.props for c in design.components if c.id == new_id)
        for name in [p for p in defaults if p not in old.props]:
            design = edit.remove_prop(design, new_id, name)
        for name, value in old.props.items():
            design = edit.set_prop(design, new_id, name, value)
        copies[block_id] = new_id
    created = list(copies.values())
    for conn in list(design.connections):
        if conn.source in copies and conn.target in copies:
            design, conn_id = edit.connect(design, copies[conn.source], copies[conn.target], conn.flow, conn.label)
            if conn.fallback:
                design = edit.set_connection(design, conn_id, fallback=True)
            created.append(conn_id)
    return design, tuple(created)


def _remove(design: Design, event: Remove) -> Design:
    gone = set(event.blocks)
    touching = {e.id for e in design.connections if {e.source, e.target} & gone}
    for conn_id in dict.fromkeys(event.connections):
        if conn_id not in touching:  # those go with their block
            design = edit.delete_connection(design, conn_id)
    for block_id in dict.fromkeys(event.blocks):
        design = edit.delete_block(design, block_id)
    return design


def apply(design: Design, event: Event) -> Outcome:
    """The design after ``event``; raises ``mlsd.io.DesignError`` (design unchanged) when the edit is refused."""
    match event:
        case Move(positions=positions):
            return Outcome(edit.move_blocks(design, positions))
        case Add(kind=kind, x=x, y=y):
            new, block_id = edit.add_block(design, kind, position=(x, y))
            return Outcome(new, (block_id,))
        case Duplicate():
            new, created = _duplicate(design, event)
            return Outcome(new, created)
        case Remove():
            return Outcome(_remove(design, event))
        case Connect(source=source, target=target, flow=flow):
            new, conn_id = edit.connect(design, source, target, flow)
            return Outcome(new, (conn_id,))
        case SetFlow(connection=conn_id, flow=flow):
            return Outcome(edit.set_connection(design, conn_id, flow=flow))
        case SetFallback(connection=conn_id, fallback=fallback):
            return Outcome(edit.set_connection(design, conn_id, fallback=fallback))
        case SetLabel(block=block_id, label=label):
            return Outcome(edit.set_label(design, block_id, label))
        case Select(blocks=blocks):
            return Outcome(design, request="select", blocks=tuple(blocks))
        case Findings(block=block_id):
            return Outcome(design, request="findings", blocks=(block_id,))
        case Comments(block=item):
            return Outcome(design, request="comments", blocks=(item,))
        case Undo():
            return Outcome(design, request="undo")
        case Redo():
            return Outcome(design, request="redo")
        case AutoLayout(blocks=blocks):
            return Outcome(design, request="auto_layout", blocks=tuple(blocks))
    raise TypeError(f"not a whiteboard event: {type(event).__name__}")  # pragma: no cover
