"""The Board for a viewer (a Streamlit UI piece): the design read-only, with the one line that says why.

With sign-in (``components.common.identity``), a person whose role in the workspace of the board's design is
``viewer`` sees it the way a share link shows it (``components.library.readonly.show_readonly``: picture,
findings, numbers, notes), without the toolbar, the editable canvas or the inspector, so nothing can be changed
or saved (the store refuses it too: ``mlsd.store.access``). The review threads are shown too, read-only, with
their badges on the canvas (reading them needs the viewer role, writing one the editor role). They may start a
blank design, or copy this one to a workspace where they are an editor.
"""

from __future__ import annotations

import streamlit as st

from components.board import state as bs
from components.board.comments import board_threads
from components.board.toolbar import new_blank, show_flash
from components.common.markup import plain
from components.common.store import store
from components.library.readonly import show_readonly
from mlsd.edit import rename
from mlsd.io import DesignError
from mlsd.store import StoreError

VIEWER_NOTE = ("on the design as it is now. Read-only: as a viewer you can read the review comments; starting a "
               "thread, replying and resolving need the editor role in the design's workspace.")


def _on_copy() -> None:
    design = bs.design()
    try:
        copy = rename(design, design.name[:193] + " (copy)")
        info = store().create(copy, message="copied from a design the author could only view")
    except (StoreError, DesignError) as exc:
        bs.flash("error", f"Not copied: {exc}")
        return
    bs.commit(copy)
    bs.mark_saved(bs.LibraryDoc(info.design_id, info.number, copy.name))
    bs.flash("success", f"Copied to your workspace as {copy.name!r}: you can change this copy.")


def show_viewer_board(note: str) -> None:
    """The read-only Board: why it is read-only, a way out, and the design."""
    show_flash()
    design = bs.design()
    st.info(note, icon=":material/visibility:")
    with st.container(horizontal=True, gap="small"):
        st.button("New blank design", key="board.viewer.new", on_click=new_blank, icon=":material/add_box:",
                  help="An empty board of your own.")
        if store().home() is not None:
            st.button("Copy to my workspace", key="board.viewer.copy", on_click=_on_copy,
                      icon=":material/library_add:",
                      help="A new design with this content in a workspace where you can edit; this one stays.")
    placed, error = board_threads(design, bs.review().report)
    if error:
        st.warning(f"The review comments cannot be read: {plain(error)}", icon=":material/comments_disabled:")
    show_readonly(design, key="board.viewer.canvas", threads=None if error else placed, threads_note=VIEWER_NOTE)
