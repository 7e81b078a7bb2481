"""The board's session state (a Streamlit UI piece): the current design and everything about editing it.

The current design is ONE ``mlsd.model.Design`` under ``BoardKey.DESIGN``; every edit goes through
``commit`` (which keeps a JSON snapshot for undo and marks the design unsaved; the canvas redraws from the design),
``undo``/``redo``, or ``replace`` (a different design: new, opened, imported). The keys follow the convention
of ``components.common.state``: one named key per value, ``board.*``.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, TypeVar

import streamlit as st

from mlsd.analysis import Analysis
from mlsd.edit import new_design
from mlsd.io import loads
from mlsd.model import Design
from mlsd.rules import Report, check

MAX_UNDO = 100
REVIEW_CACHE = 8
FlashLevel = Literal["success", "info", "warning", "error"]
T = TypeVar("T")


class BoardKey(StrEnum):
    """Named ``st.session_state`` keys of the board page."""

    DESIGN = "board.design"  # the current Design
    UNDO = "board.undo"  # JSON snapshots of earlier designs, oldest first
    REDO = "board.redo"  # JSON snapshots undone, most recent last
    SAVED = "board.saved"  # JSON of the design as last opened or saved (None: never saved)
    DIRTY = "board.dirty"  # the design differs from SAVED
    REV = "board.rev"  # increases on every change of the design; part of the inspector's widget keys
    SELECTED = "board.selected"  # id of the selected block or connection, or None
    DOC = "board.doc"  # where the design lives in the library (a LibraryDoc), or None
    FLASH = "board.flash"  # messages shown once on the next run: list of (level, text)
    ERRORS = "board.errors"  # inline validation problems by widget key
    PENDING = "board.pending"  # a replacement waiting for "discard unsaved changes?" (a Pending)
    REVIEW = "board.review"  # small cache: design JSON without positions -> Review
    JSON = "board.json"  # (rev, JSON of the current design)
    REVIEW_KEY = "board.review_key"  # (rev, the current design's key in REVIEW), computed once per change
    PANEL = "board.panel"  # the active tab of the side panel
    PANEL_OPEN = "board.panel_open"  # whether the side panel is shown beside the canvas


@dataclass(frozen=True)
class LibraryDoc:
    """The library entry the board's design was opened from or saved to, and the revision it is based on."""

    design_id: str
    revision: int
    name: str = ""


@dataclass(frozen=True)
class Pending:
    """A design that will replace the current one once the person confirms that unsaved changes may go."""

    design: Design
    source: str  # what it is, for the confirmation message ("template 'Fraud detection'")
    doc: LibraryDoc | None = None
    saved: bool = False  # the replacement is the library's copy (clean), not a new unsaved design


def _ss() -> Any:
    return st.session_state


def init() -> None:
    """Create the board's keys on first use (a blank design, empty history)."""
    ss = _ss()
    if BoardKey.DESIGN.value in ss:
        return
    blank = new_design()
    ss[BoardKey.DESIGN.value] = blank
    ss[BoardKey.UNDO.value] = []
    ss[BoardKey.REDO.value] = []
    ss[BoardKey.SAVED.value] = None
    ss[BoardKey.DIRTY.value] = False
    ss[BoardKey.REV.value] = 0
    ss[BoardKey.SELECTED.value] = None
    ss[BoardKey.DOC.value] = None
    ss[BoardKey.FLASH.value] = []
    ss[BoardKey.ERRORS.value] = {}
    ss[BoardKey.PENDING.value] = None
    ss[BoardKey.REVIEW.value] = OrderedDict()


def design() -> Design:
    """The design on the board."""
    init()
    value: Design = _ss()[BoardKey.DESIGN.value]
    return value


def rev() -> int:
    init()
    return int(_ss()[BoardKey.REV.value])


def design_json() -> str:
    """The current design as compact JSON (computed once per change)."""
    ss = _ss()
    cached = ss.get(BoardKey.JSON.value)
    current = rev()
    if cached is not None and cached[0] == current:
        return str(cached[1])
    text = design().model_dump_json()
    ss[BoardKey.JSON.value] = (current, text)
    return text


@dataclass
class Review:
    """What the checklists and the analysis say about one design, plus anything drawn from them (memoised)."""

    report: Report
    analysis: Analysis
    memo: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, build: Callable[[], T]) -> T:
        """``build()`` once per design: figures and texts that depend only on the design."""
        if name not in self.memo:
            self.memo[name] = build()
        value: T = self.memo[name]
        return value


def review() -> Review:
    """Checklist report and analysis of the current design, cached by the design's JSON without the blocks'
    positions (no rule or number depends on where a block sits, so a drag costs no new review). The key is
    worked out once per change of the design (``rev``), so a rerun that changed nothing costs a lookup."""
    ss = _ss()
    current = rev()
    known = ss.get(BoardKey.REVIEW_KEY.value)
    if known is not None and known[0] == current:
        key = str(known[1])
    else:
        key = design().model_dump_json(exclude={"components": {"__all__": {"position"}}})
        ss[BoardKey.REVIEW_KEY.value] = (current, key)
    cache: OrderedDict[str, Review] = ss[BoardKey.REVIEW.value]
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    report = check(design())
    result = Review(report, report.context.analysis)
    cache[key] = result
    while len(cache) > REVIEW_CACHE:
        cache.popitem(last=False)
    return result


def is_dirty() -> bool:
    init()
    return bool(_ss()[BoardKey.DIRTY.value])


def selected() -> str | None:
    init()
    value = _ss()[BoardKey.SELECTED.value]
    return str(value) if value is not None else None


def widget_key(name: str, *parts: object) -> str:
    """A key for an input that shows a value of the design: ``name@<rev>.<parts>``.

    It changes with every change of the design, so the input is drawn afresh from the design (Python never
    overwrites a widget's value, which could race with what the browser sends).
    """
    return f"{name}@{rev()}" + "".join(f".{p}" for p in parts)


def is_current(widget: str) -> bool:
    """Whether a ``widget_key`` belongs to the current design. A browser that has not yet drawn the latest run
    can still report an input of an earlier run, with a value typed for an earlier design: its callback must
    change nothing."""
    match = re.search(r"@(\d+)(?:\.|$)", widget)
    return match is not None and int(match.group(1)) == rev()


def select(item: str | None) -> None:
    """Select a block or connection (None clears): the inspector shows it."""
    init()
    _ss()[BoardKey.SELECTED.value] = item


def _set(new: Design) -> None:
    ss = _ss()
    ss[BoardKey.DESIGN.value] = new
    ss[BoardKey.REV.value] = int(ss[BoardKey.REV.value]) + 1
    ss[BoardKey.DIRTY.value] = ss[BoardKey.SAVED.value] != design_json()
    ss[BoardKey.ERRORS.value] = {}
    chosen = ss[BoardKey.SELECTED.value]
    if chosen is not None and chosen not in {c.id for c in new.components} | {e.id for e in new.connections}:
        ss[BoardKey.SELECTED.value] = None


def commit(new: Design) -> bool:
    """Make ``new`` the current design, keeping the old one for undo; False when nothing changed."""
    init()
    ss = _ss()
    old_json = design_json()
    if new is design() or new.model_dump_json() == old_json:
        return False
    undo_stack: list[str] = ss[BoardKey.UNDO.value]
    undo_stack.append(old_json)
    del undo_stack[:-MAX_UNDO]
    ss[BoardKey.REDO.value] = []
    _set(new)
    return True


def can_undo() -> bool:
    init()
    return bool(_ss()[BoardKey.UNDO.value])


def can_redo() -> bool:
    init()
    return bool(_ss()[BoardKey.REDO.value])


def undo() -> bool:
    """Go back one edit; False when there is nothing to undo."""
    init()
    ss = _ss()
    stack: list[str] = ss[BoardKey.UNDO.value]
    if not stack:
        return False
    ss[BoardKey.REDO.value].append(design_json())
    _set(loads(stack.pop(), "json", "undo"))
    return True


def redo() -> bool:
    """Redo the last undone edit; False when there is nothing to redo."""
    init()
    ss = _ss()
    stack: list[str] = ss[BoardKey.REDO.value]
    if not stack:
        return False
    ss[BoardKey.UNDO.value].append(design_json())
    _set(loads(stack.pop(), "json", "redo"))
    return True


def replace(new: Design, doc: LibraryDoc | None = None, saved: bool = False) -> None:
    """Put a different design on the board (new, opened, imported); history starts again.

    ``saved``: the design is the library's copy, so it has no unsaved changes.
    """
    init()
    ss = _ss()
    ss[BoardKey.UNDO.value] = []
    ss[BoardKey.REDO.value] = []
    ss[BoardKey.DOC.value] = doc
    ss[BoardKey.SELECTED.value] = None
    ss[BoardKey.PENDING.value] = None
    ss[BoardKey.DESIGN.value] = new
    ss[BoardKey.REV.value] = int(ss[BoardKey.REV.value]) + 1
    ss[BoardKey.SAVED.value] = design_json() if saved else None
    ss[BoardKey.DIRTY.value] = False  # nothing typed on the board yet: replacing it again loses nothing
    ss[BoardKey.ERRORS.value] = {}


def request_replace(pending: Pending) -> bool:
    """Replace now when nothing unsaved would be lost, else park the replacement until confirmed (False)."""
    if is_dirty():
        _ss()[BoardKey.PENDING.value] = pending
        return False
    replace(pending.design, pending.doc, pending.saved)
    return True


def pending() -> Pending | None:
    init()
    value = _ss()[BoardKey.PENDING.value]
    return value if isinstance(value, Pending) else None


def confirm_pending() -> None:
    item = pending()
    if item is not None:
        replace(item.design, item.doc, item.saved)
        flash("success", f"Opened {item.source}.")


def cancel_pending() -> None:
    init()
    _ss()[BoardKey.PENDING.value] = None


def doc() -> LibraryDoc | None:
    init()
    value = _ss()[BoardKey.DOC.value]
    return value if isinstance(value, LibraryDoc) else None


def mark_saved(library_doc: LibraryDoc) -> None:
    """The current design is now stored in the library as ``library_doc``."""
    ss = _ss()
    ss[BoardKey.DOC.value] = library_doc
    ss[BoardKey.SAVED.value] = design_json()
    ss[BoardKey.DIRTY.value] = False


def mark_based_on(library_doc: LibraryDoc) -> None:
    """The design, still unsaved, is now based on ``library_doc``'s revision (after merging with it)."""
    init()
    _ss()[BoardKey.DOC.value] = library_doc


def flash(level: FlashLevel, text: str) -> None:
    """A message shown once at the top of the next run (or of this one, if not drawn yet)."""
    init()
    _ss()[BoardKey.FLASH.value].append((level, text))


def take_flash() -> list[tuple[FlashLevel, str]]:
    init()
    ss = _ss()
    items: list[tuple[FlashLevel, str]] = list(ss[BoardKey.FLASH.value])
    ss[BoardKey.FLASH.value] = []
    return items


def set_error(widget: str, problems: list[str]) -> None:
    init()
    _ss()[BoardKey.ERRORS.value][widget] = problems


def error_of(widget: str) -> list[str]:
    init()
    found: list[str] = _ss()[BoardKey.ERRORS.value].get(widget, [])
    return found


def clear_error(widget: str) -> None:
    init()
    _ss()[BoardKey.ERRORS.value].pop(widget, None)


PANELS = ("Findings", "Inspector", "Requirements")
BOARD_PANELS = (*PANELS, "Comments")  # the Board page's side panel; the practice board has PANELS only


def show_panel(name: str) -> None:
    """Make ``name`` the active tab of the side panel on the next render (and open the panel)."""
    if name in BOARD_PANELS:
        _ss()[BoardKey.PANEL.value] = name
        _ss()[BoardKey.PANEL_OPEN.value] = True


def panel_open() -> bool:
    """Whether the side panel (findings, inspector, requirements) is shown beside the canvas (it is at first)."""
    return bool(_ss().get(BoardKey.PANEL_OPEN.value, True))
