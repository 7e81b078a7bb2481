"""The Library's trash (a Streamlit UI piece): restore, delete for good (each confirmed), empty the trash, and the
"moved to the trash" notice with its undo. Every change goes through the person's store (``UserStore``), so roles
are checked and the audit log names them.
"""

from __future__ import annotations

import streamlit as st

from components.common.markup import plain, plural
from components.common.store import store
from components.library.pager import first_page, show_pager
from components.library.state import LibKey, failed, flash, state
from components.library.table import header, name_cell, when
from mlsd.store import DesignPage, StoreError
from mlsd.store.workspaces import at_least

TRASH_WIDTHS = [3.4, 1.4, 1.4, 0.9, 3.2]
TRASH_HEADERS = ("Name", "Updated (UTC)", "Deleted (UTC)", "Revisions", "")


def _on_undo_trash() -> None:
    trashed = state(LibKey.TRASHED)
    st.session_state[LibKey.TRASHED.value] = None
    if not trashed:
        return
    try:
        store().restore(trashed[0])
    except StoreError as exc:
        failed("Not restored", exc)
        return
    flash("success", f"Restored {trashed[1]!r}.")


def _on_restore(design_id: str, name: str) -> None:
    try:
        store().restore(design_id)
    except StoreError as exc:
        failed("Not restored", exc)
        return
    flash("success", f"Restored {name!r} to the library.")


def _on_ask_purge(design_id: str) -> None:
    st.session_state[LibKey.PURGING.value] = design_id


def _on_purge(design_id: str, name: str) -> None:
    st.session_state[LibKey.PURGING.value] = None
    try:
        store().purge(design_id, confirm=True)
    except StoreError as exc:
        failed("Not deleted", exc)
        return
    flash("success", f"Deleted {name!r} for good.")


def _on_cancel_purge() -> None:
    st.session_state[LibKey.PURGING.value] = None
    st.session_state[LibKey.EMPTYING.value] = False


def _on_ask_empty() -> None:
    st.session_state[LibKey.EMPTYING.value] = True


def _on_empty() -> None:
    st.session_state[LibKey.EMPTYING.value] = False
    try:
        count = store().empty_trash(confirm=True)
    except StoreError as exc:
        failed("The trash was not emptied", exc)
        return
    first_page()
    flash("success", f"Deleted {plural(count, 'design')} for good.")


def show_trashed_notice() -> None:
    """The design just moved to the trash, with an undo button."""
    trashed = state(LibKey.TRASHED)
    if not trashed:
        return
    with st.container(border=True, horizontal=True, vertical_alignment="center"):
        st.markdown(f"🗑️ Moved **{plain(trashed[1])}** to the trash.")
        st.button("Undo", key="lib.undo_trash", on_click=_on_undo_trash, icon=":material/undo:",
                  help="Bring it back from the trash.")


def show_trash(result: DesignPage) -> None:
    """The trashed designs with restore and delete-for-good (each confirmed)."""
    if not result.items:
        st.info("The trash is empty. Designs moved to the trash wait here until you restore them or delete them "
                "for good.", icon=":material/delete:")
        return
    if state(LibKey.EMPTYING):
        with st.container(border=True):
            what = "the 1 design" if result.total == 1 else f"all {result.total} designs"
            st.warning(f"Delete {what} in the trash for good, with all their revisions and "
                       "share links? This cannot be undone.", icon=":material/warning:")
            with st.container(horizontal=True):
                st.button("Delete all for good", key="lib.empty_ok", on_click=_on_empty, type="primary",
                          icon=":material/delete_forever:")
                st.button("Cancel", key="lib.empty_cancel", on_click=_on_cancel_purge)
    else:
        st.button("Empty the trash…", key="lib.empty", on_click=_on_ask_empty, icon=":material/delete_forever:",
                  help="Delete every design in the trash for good (asks first).")
    header(TRASH_WIDTHS, TRASH_HEADERS)
    roles = store().roles_for(item.id for item in result.items)
    for item in result.items:
        editable = at_least(roles.get(item.id), "editor")
        with st.container(key=f"lib-trash-{item.id}"):
            cols = st.columns(TRASH_WIDTHS, vertical_alignment="center")
            cols[0].markdown(name_cell(item))
            cols[1].markdown(when(item.updated_at))
            cols[2].markdown(when(item.deleted_at))
            cols[3].markdown(str(item.revisions))
            with cols[4], st.container(horizontal=True, gap="small"):
                st.button("Restore", key=f"lib.restore.{item.id}", on_click=_on_restore, args=(item.id, item.name),
                          icon=":material/restore_from_trash:", help="Put it back in the library.",
                          disabled=not editable)
                st.button("Delete for good…", key=f"lib.purge.{item.id}", on_click=_on_ask_purge, args=(item.id,),
                          icon=":material/delete_forever:", help="Remove it and all its revisions (asks first).",
                          disabled=not editable)
            if state(LibKey.PURGING) == item.id:
                with st.container(border=True):
                    st.warning(f"Delete **{plain(item.name)}** and its {plural(item.revisions, 'revision')} for good? "
                               "Its share links stop working. This cannot be undone.", icon=":material/warning:")
                    with st.container(horizontal=True):
                        st.button("Delete for good", key=f"lib.purge_ok.{item.id}", on_click=_on_purge,
                                  args=(item.id, item.name), type="primary", icon=":material/delete_forever:")
                        st.button("Cancel", key=f"lib.purge_cancel.{item.id}", on_click=_on_cancel_purge)
    show_pager(result)

