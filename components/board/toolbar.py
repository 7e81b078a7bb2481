"""The board's toolbar (a Streamlit UI piece): name, New / Open / Save / Save as, History and Share, undo / redo,
auto-layout, the switch that shows or hides the side panel, the status line (saved or not, and whether the library
holds a newer revision: ``components.board.freshness``) and who else has the design open
(``components.board.presence``).

History and Share open the side panel on the design's versions or its share links (drawn by
``components.library.versions``, which the Board page calls when ``side_view()`` names one); Close, or the same
button again, brings the findings, inspector and requirements back.

Designs are kept in the library (``mlsd.store``; its file is ``$MLSD_DB`` or the store's default). Saving names
the revision the board's design is based on; when someone saved in between, the board merges with what they saved
(``components.board.merging``: clean merges are saved at once, conflicts are picked in the side panel, beside two
other ways out drawn here: save these changes as a copy, or load their version).
Anything that would replace a design with unsaved changes asks first (``components.board.state.request_replace``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components.board import state as bs
from components.board.merging import CONFLICT_KEY, pending_merge, save_merging
from components.board.presence import show_presence
from components.common.examples import list_examples, load_example
from components.common.markup import plain, plural
from components.common.people import unlinked
from components.common.store import store
from mlsd import edit
from mlsd.formats.layout import auto_layout
from mlsd.io import DesignError
from mlsd.model import Design
from mlsd.store import ConflictError, StoreError
from mlsd.store.records import CheckSummary

OPEN_SEARCH_KEY = "board.lib.search"
SAVE_AS_KEY = "board.lib.save_as"
NAME_KEY = "board.lib.name"
MAX_LISTED = 30
NEW_POP = "board.lib.new_pop"
OPEN_POP = "board.lib.open_pop"
SAVE_AS_POP = "board.lib.save_as_pop"


def _close(*popovers: str) -> None:
    for key in popovers:
        st.session_state[key] = False


# -- callbacks ----------------------------------------------------------------------------------------------


def new_blank() -> None:
    """Put a blank design on the board (after asking, on the board, when its design has unsaved changes)."""
    _close(NEW_POP, OPEN_POP, SAVE_AS_POP)
    if bs.request_replace(bs.Pending(edit.new_design(), "a blank design")):
        bs.flash("success", "A blank design: drag blocks from the palette at the canvas' left edge.")


def start_from_template(path: str) -> None:
    _close(NEW_POP, OPEN_POP, SAVE_AS_POP)
    try:
        design = load_example(path)
    except DesignError as exc:
        bs.flash("error", f"Cannot open the example design {Path(path).name}: " + "; ".join(exc.problems))
        return
    if not edit.has_layout(design):
        design = edit.move_blocks(design, auto_layout(design))
    if bs.request_replace(bs.Pending(design, f"the example design {design.name!r}")):
        bs.flash("success", f"Started from the example design {design.name!r}. Save it to keep your changes.")


def _on_open(design_id: str) -> None:
    _close(NEW_POP, OPEN_POP, SAVE_AS_POP)
    try:
        revision = store().open(design_id)
    except StoreError as exc:
        bs.flash("error", f"Cannot open the design: {exc}")
        return
    doc = bs.LibraryDoc(design_id, revision.number, revision.design.name)
    st.session_state[CONFLICT_KEY] = None
    if bs.request_replace(bs.Pending(revision.design, f"{revision.design.name!r} (revision {revision.number})",
                                     doc, saved=True)):
        bs.flash("success", f"Opened {revision.design.name!r}, revision {revision.number}.")


def _checks() -> CheckSummary:
    return CheckSummary.from_report(bs.review().report)


def _on_save() -> None:
    design = bs.design()
    doc = bs.doc()
    try:
        if doc is None:
            info = store().create(design, message="created on the board", checks=_checks())
        else:
            info = store().save(doc.design_id, design, base_revision=doc.revision, message="saved from the board",
                                checks=_checks())
    except ConflictError as exc:  # someone saved in between: merge with what they saved
        save_merging(exc.design_id, exc.base_revision, design)
        return
    except (StoreError, DesignError) as exc:
        bs.flash("error", f"Not saved: {exc}")
        return
    bs.mark_saved(bs.LibraryDoc(info.design_id, info.number, design.name))
    st.session_state[CONFLICT_KEY] = None
    bs.flash("success", f"Saved {design.name!r} as revision {info.number}.")


def _create(design: Design, message: str, said: str) -> None:
    """Save ``design`` as a new design in the library and make it the board's; ``said`` is the toast."""
    try:
        info = store().create(design, message=message, checks=_checks())
    except (StoreError, DesignError) as exc:
        bs.flash("error", f"Not saved: {exc}")
        return
    bs.commit(design)
    bs.mark_saved(bs.LibraryDoc(info.design_id, info.number, design.name))
    st.session_state[CONFLICT_KEY] = None
    bs.flash("success", said.format(name=design.name, number=info.number))


def _on_save_as() -> None:
    _close(NEW_POP, OPEN_POP, SAVE_AS_POP)
    name = str(st.session_state.get(SAVE_AS_KEY) or "").strip()
    try:
        design = edit.rename(bs.design(), name or bs.design().name)
    except DesignError as exc:
        bs.flash("error", f"Not saved: {exc}")
        return
    _create(design, "saved as a new design from the board", "Saved as a new design {name!r} (revision {number}).")


def _on_copy_after_conflict() -> None:
    try:
        design = edit.rename(bs.design(), _copy_name(bs.design().name))
    except DesignError as exc:
        bs.flash("error", f"Not saved: {exc}")
        return
    _create(design, "saved as a copy after a conflict", "Saved your changes as a new design {name!r}.")


def _copy_name(name: str) -> str:
    suffix = " (copy)"
    return name[: 200 - len(suffix)] + suffix


def _on_reload_theirs() -> None:
    state = pending_merge()
    if state is not None:
        st.session_state[CONFLICT_KEY] = None
        _on_open(state.design_id)


def name_key() -> str:
    """The name box's key: it changes with every change of the design, so the box always shows the design's
    name (a box whose value Python overwrote could send its old value back in a rerun that crosses it)."""
    return bs.widget_key(NAME_KEY)


def _on_rename(widget: str) -> None:
    if not bs.is_current(widget):
        return  # an input of an earlier run, reported by a browser that had not drawn the latest one
    name = str(st.session_state.get(widget) or "")
    try:
        bs.commit(edit.rename(bs.design(), name))
    except DesignError as exc:
        bs.set_error(NAME_KEY, exc.problems)


def on_undo() -> None:
    if not bs.undo():
        bs.flash("info", "Nothing to undo.")


def on_redo() -> None:
    if not bs.redo():
        bs.flash("info", "Nothing to redo.")


PANEL_TOGGLE = "board.btn.panel"
SIDE_KEY = "board.side"  # what the side panel shows instead of its tabs: None, "history" or "share"
SIDE_VIEWS = ("history", "share")


def side_view() -> str | None:
    """``"history"`` or ``"share"`` when the side panel shows the versions or the share links, else None."""
    view = st.session_state.get(SIDE_KEY)
    return view if view in SIDE_VIEWS and bs.panel_open() else None


def close_side() -> None:
    st.session_state[SIDE_KEY] = None


def _on_side(view: str) -> None:
    st.session_state[SIDE_KEY] = None if side_view() == view else view
    st.session_state[bs.BoardKey.PANEL_OPEN.value] = True


def _panel_key() -> str:
    st.session_state[PANEL_TOGGLE] = bs.panel_open()  # follows the panel (a badge click opens it)
    return PANEL_TOGGLE


def _on_panel() -> None:
    st.session_state[bs.BoardKey.PANEL_OPEN.value] = bool(st.session_state.get(PANEL_TOGGLE))


def on_layout() -> None:
    design = bs.design()
    if bs.commit(edit.move_blocks(design, auto_layout(design))):
        bs.flash("success", "Laid the blocks out left to right. Undo puts them back.")


# -- drawing ------------------------------------------------------------------------------------------------


def _new_menu() -> None:
    box = st.popover("New", icon=":material/add_box:", help="Start a blank design or from an example design.",
                     key=NEW_POP, on_change="rerun")
    if not box.open:
        return
    with box:
        st.button("Blank design", key="board.lib.blank", on_click=new_blank, icon=":material/draft:",
                  help="An empty board.", width="stretch")
        examples = [e for e in list_examples() if not e.problems]
        if examples:
            st.caption("From an example design:")
        for e in examples:
            st.button(plain(e.name), key=f"board.lib.tpl.{Path(e.path).name}", on_click=start_from_template,
                      args=(e.path,), icon=":material/content_copy:", width="stretch",
                      help=f"A copy of the example design in {Path(e.path).name}; the example stays as it is.")


def _open_menu() -> None:
    box = st.popover("Open", icon=":material/folder_open:", help="Open a design saved in the library.",
                     key=OPEN_POP, on_change="rerun")
    if not box.open:
        return
    with box:
        query = st.text_input("Search the library", key=OPEN_SEARCH_KEY, placeholder="name, block label, note…",
                              help="Words that the design's name, notes or block labels contain.")
        try:
            page = store().list_designs(search=query or None, limit=MAX_LISTED)
        except StoreError as exc:
            st.error(plain(str(exc)))
            return
        if not page.items:
            st.caption("No saved design matches." if query else "The library is empty: Save puts the board's "
                                                                   "design there. The example designs are under "
                                                                   "**New**.")
        for item in page.items:
            st.button(f"{plain(item.name)} · rev {item.revisions}", key=f"board.lib.open.{item.id}",
                      on_click=_on_open, args=(item.id,), width="stretch",
                      help=f"{plural(item.errors, 'error')}, {plural(item.warnings, 'warning')}; last saved "
                           f"{item.updated_at[:16].replace('T', ' ')} UTC.")
        if page.total > len(page.items):
            st.caption(f"{page.total - len(page.items)} more: search to narrow the list.")


def show_toolbar() -> None:
    """Name, library actions, history and layout buttons, and the save status."""
    design = bs.design()
    dirty = bs.is_dirty()
    doc = bs.doc()
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        widget = name_key()
        st.text_input("Design name", value=design.name, key=widget, on_change=_on_rename, args=(widget,),
                      label_visibility="collapsed", width=250,
                      help="The design's name (at most 200 characters); it names saved and downloaded files.")
        _new_menu()
        _open_menu()
        st.button("Save", key="board.lib.save", on_click=_on_save, icon=":material/save:",
                  type="primary" if dirty or doc is None else "secondary",
                  help="Save to the library as a new revision" if doc else "Save to the library (a new design)")
        box = st.popover("Save as", icon=":material/save_as:", help="Save as a new design in the library.",
                         key=SAVE_AS_POP, on_change="rerun")
        if box.open:
            with box:
                st.text_input("Name of the new design", key=SAVE_AS_KEY, placeholder=design.name,
                              help="Empty keeps the current name.")
                st.button("Save as new design", key="board.lib.save_as_ok", on_click=_on_save_as, type="primary",
                          help="Creates a new design in the library; the one you opened stays as it was.")
        side = side_view()
        st.button("History", key="board.btn.history", on_click=_on_side, args=("history",),
                  icon=":material/history:", type="primary" if side == "history" else "secondary",
                  help="The saved revisions of this design beside the canvas: view, compare, restore.")
        st.button("Share", key="board.btn.share", on_click=_on_side, args=("share",), icon=":material/share:",
                  type="primary" if side == "share" else "secondary",
                  help="Read-only links to this design, beside the canvas: create, copy, revoke.")
        st.button("Undo", key="board.btn.undo", on_click=on_undo, icon=":material/undo:",
                  disabled=not bs.can_undo(), help="Undo the last change")
        st.button("Redo", key="board.btn.redo", on_click=on_redo, icon=":material/redo:",
                  disabled=not bs.can_redo(), help="Redo the change you undid")
        st.button("Auto-layout", key="board.btn.layout", on_click=on_layout, icon=":material/account_tree:",
                  disabled=len(design.components) < 2,
                  help="Arrange the blocks left to right along their connections (undo puts them back).")
        st.toggle("Side panel", key=_panel_key(), on_change=_on_panel,
                  help="Show or hide the findings, inspector and requirements beside the canvas.")
        show_presence()  # the status line too, refreshed by the presence heartbeat
    for problem in bs.error_of(NAME_KEY):
        st.error(plain(problem))
    _pending()


def show_conflict_exits() -> None:
    """Under the conflict picker, the two other ways out: keep mine as a new design, or load theirs."""
    if pending_merge() is None:
        return
    with st.container(horizontal=True):
        st.button("Save mine as a copy", key="board.lib.conflict.copy", on_click=_on_copy_after_conflict,
                  help="Your design is saved as a new design; theirs stays as it is.")
        st.button("Load their version", key="board.lib.conflict.reload", on_click=_on_reload_theirs,
                  help="Open the latest revision; you are asked before your changes go.")


def _pending() -> None:
    item = bs.pending()
    if item is None:
        return
    st.warning(f"The board has unsaved changes. Open {plain(item.source)} and discard them?",
               icon=":material/warning:")
    left, right, _ = st.columns([1, 1, 3])
    left.button("Discard changes and open", key="board.lib.pending.ok", on_click=bs.confirm_pending, type="primary",
                help="Your unsaved changes are lost.")
    right.button("Keep editing", key="board.lib.pending.cancel", on_click=bs.cancel_pending,
                 help="Nothing changes; save first if you want to keep this design.")


def show_flash() -> None:
    """Messages from the last action: successes as toasts, problems on the page."""
    for level, message in bs.take_flash():
        if level in ("success", "info"):
            st.toast(unlinked(message), icon="✅" if level == "success" else "ℹ️")
        else:
            getattr(st, level)(unlinked(message))


EMPTY_SLOT = "board-empty-slot"  # the keys of the slot above the canvas and of the hint in it (CSS classes st-key-*)
EMPTY_HINT = "board-empty"
_EMPTY_HINT_CSS = f"""<style>
.st-key-{EMPTY_SLOT} {{ position: relative; height: 0 !important; min-height: 0; overflow: visible; z-index: 5; }}
div:has(> .st-key-{EMPTY_SLOT}) {{ margin-bottom: -1rem; }}  /* the page's gap it adds goes: the canvas stays put */
.st-key-{EMPTY_HINT} {{ position: absolute; top: 300px; left: 230px; width: min(600px, calc(100% - 300px));
  background: rgba(255, 255, 255, 0.94); pointer-events: none; }}
.st-key-{EMPTY_HINT} button {{ pointer-events: auto; }}
</style>"""
"""The empty-board hint is drawn over the empty canvas (right of its palette, in its lower half, between the zoom
buttons and the minimap, where a first block is dropped least often), as Excalidraw draws its hint inside the
canvas: it takes no room on the page, so the canvas sits where it sits on a board with blocks (it fits a 1440x900
screen, minimap and zoom buttons included) and nothing moves when the hint goes at the first drop. The hint lets
the pointer through to the canvas (a block dropped under it lands); only its buttons take clicks."""


def show_empty_board() -> None:
    """What a first-time user sees over the empty canvas: start from an example design in one click, or add
    blocks. Call it inside ``st.container(key=EMPTY_SLOT)``, the slot right above the canvas."""
    st.html(_EMPTY_HINT_CSS)
    with st.container(border=True, key=EMPTY_HINT):
        st.markdown("**An empty board.** Start from an example design in one click, or drag blocks from the palette "
                    "on the left onto the canvas and connect them by dragging from a block's handle to another block.")
        examples = [e for e in list_examples() if not e.problems][:4]
        if not examples:
            return
        with st.container(horizontal=True):
            for example in examples:
                st.button(plain(example.name), key=f"board.empty.tpl.{Path(example.path).name}",
                          on_click=start_from_template, args=(example.path,), icon=":material/content_copy:",
                          help="Copy this example design onto the board; the example itself stays as it is.")
