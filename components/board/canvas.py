"""The board's canvas (a Streamlit UI piece): the whiteboard component drawing the board's design.

Here "component" means a Streamlit UI piece; the blocks drawn are ``mlsd.model.Component``.

``apply_canvas_events()`` runs first thing on the page: each event the canvas sent (one per user action, each
handled once, see ``components.whiteboard.protocol``) is applied through ``components.whiteboard.apply`` and
committed to the board's one history (``components.board.state``), so undo/redo, save and the checks see every
canvas edit. Undo, redo and auto-layout asked from the canvas drive that same history; a selection on the canvas
selects in the inspector, and one made in the inspector or from a finding is selected (and scrolled to) on the
canvas; a click on a block's findings badge opens that block's findings, on a comments badge its review
comments. ``show_canvas`` then draws the edited
design with its findings badges: the canvas redraws from what Python sends, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import streamlit as st

from components.board import state as bs
from components.board.findings import focus_block
from components.whiteboard import draw, pending_events
from components.whiteboard.apply import Outcome, apply
from mlsd import edit
from mlsd.formats.layout import auto_layout
from mlsd.io import DesignError
from mlsd.model import Design
from mlsd.rules import Finding

_WIDE_PAGE = ("<style>[data-testid='stMainBlockContainer'] "
              "{ padding-left: 1.5rem; padding-right: 1.5rem; padding-top: 3.5rem; }</style>")
"""The canvas takes the page: on a page that shows it, Streamlit's wide-layout margins (5 rem a side, 6 rem on top)
shrink, which gives the drawing ~130 px more width and the canvas ~40 px more height. Style-only HTML takes no
room (Streamlit puts it in its event container) and goes away with the page."""

CANVAS_KEY = "board.canvas"  # the whiteboard's key; AppTest sets session_state[CANVAS_KEY] = {"events": [...]}


def layout_positions(design: Design, blocks: Iterable[str] = ()) -> dict[str, tuple[float, float]]:
    """New positions from the auto-layout: of every block, or of ``blocks`` only (laid out among themselves and
    kept where their top-left corner was, the other blocks staying put)."""
    chosen = set(blocks) & {c.id for c in design.components}
    if len(chosen) < 2:
        return auto_layout(design)
    part = design.model_copy(update={
        "components": [c for c in design.components if c.id in chosen],
        "connections": [e for e in design.connections if e.source in chosen and e.target in chosen],
    })
    laid = auto_layout(part)
    old_x = min(c.position.x for c in part.components)
    old_y = min(c.position.y for c in part.components)
    new_x = min(x for x, _ in laid.values())
    new_y = min(y for _, y in laid.values())
    return {b: (x - new_x + old_x, y - new_y + old_y) for b, (x, y) in laid.items()}


def _answer(outcome: Outcome) -> None:
    """Do what the canvas asked the page to do (undo, redo, auto-layout, select, show findings)."""
    match outcome.request:
        case "undo":
            if not bs.undo():
                bs.flash("info", "Nothing to undo.")
        case "redo":
            if not bs.redo():
                bs.flash("info", "Nothing to redo.")
        case "auto_layout":
            design = bs.design()
            if bs.commit(edit.move_blocks(design, layout_positions(design, outcome.blocks))):
                bs.flash("success", "Laid the blocks out left to right. Undo puts them back.")
        case "select":
            bs.select(outcome.blocks[0] if len(outcome.blocks) == 1 else None)
            if len(outcome.blocks) == 1:
                bs.show_panel("Inspector")
        case "findings":
            bs.select(outcome.blocks[0])
            focus_block(outcome.blocks[0])
            bs.show_panel("Findings")
        case "comments":
            bs.select(outcome.blocks[0])
            bs.show_panel("Comments")


def apply_canvas_events() -> None:
    """Apply what the person did on the canvas since the last run, in order; call before anything is drawn."""
    for event in pending_events(CANVAS_KEY):
        try:
            outcome = apply(bs.design(), event)
        except DesignError as exc:
            bs.flash("error", "That change was refused: " + "; ".join(exc.problems))
            continue
        if not outcome.edited:
            _answer(outcome)
            continue
        bs.commit(outcome.design)
        if event.type == "add" and outcome.created:
            bs.select(outcome.created[0])
            bs.show_panel("Inspector")
        elif event.type == "duplicate" and len(set(event.blocks)) == 1:  # the copy is the selection: Ctrl+D
            bs.select(outcome.created[0])  # again or an arrow key moves the copy, as in Excalidraw and draw.io
        elif event.type == "connect" and outcome.created:
            bs.select(outcome.created[0])


def show_canvas(findings: Iterable[Finding], height: int = 640, comments: Mapping[str, int] | None = None) -> None:
    """Draw the board's design on the canvas, with a findings badge on each block that has open findings and a
    comments badge on each block or connection with open review threads (``comments``); the block or connection
    selected in the inspector or from a finding is selected on the canvas and brought into view."""
    st.html(_WIDE_PAGE)
    draw(bs.design(), findings, key=CANVAS_KEY, height=height, selected=bs.selected(), comments=comments)


def show_canvas_help() -> None:
    """How to use the canvas, in two lines under it (the shortcuts are those of frontend/src/actions.ts)."""
    st.caption(
        "Drag a tile from the palette onto the canvas; drag from a block's handle to another block to connect; "
        "click a connection to set its flow (request, stream, batch, feedback). A block's badge counts its "
        "findings: click it to read them. Keys: Delete removes the selection, Ctrl+Z / Ctrl+Shift+Z undo and "
        "redo, Ctrl+C / Ctrl+V / Ctrl+D copy, paste, duplicate, Ctrl+A selects all, arrows nudge (Shift: four "
        "steps), Shift+1 zooms to fit, Shift+L lays out, Shift+O right-angled connections, Shift+B the palette, "
        "Shift+F full screen."
    )
