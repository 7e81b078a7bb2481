"""History: one design's revisions (view, restore), the diff of any two side by side, and its read-only share links.

The design is named in the address (``?design=ID``) so the page can be reloaded and bookmarked; without one, a
picker lists the library. Thin by design: drawn by ``components/library/`` (``history``, ``diff`` and ``share``).
"""

import streamlit as st

from components.common.entry import through_app
from components.common.markup import plain
from components.common.store import store
from components.library.diff import show_compare
from components.library.history import TABS, show_header, show_picker, show_revisions
from components.library.share import show_share_panel
from components.library.state import LIBRARY_PAGE, LibKey, follow_go, open_on_board, show_flash
from mlsd.store import NotFound, PermissionDenied, StoreError

through_app()

follow_go()
show_flash()
design_id = st.query_params.get("design", "")
if not design_id:
    show_picker()
    st.stop()
try:
    summary = store().get(design_id)
    history = store().history(design_id)
except NotFound:
    st.error("There is no such design in the library (it may have been deleted for good).", icon=":material/help:")
    st.page_link(LIBRARY_PAGE, label="Back to the library", icon=":material/arrow_back:")
    st.stop()
except PermissionDenied as exc:  # with sign-in: a design of a workspace this person does not belong to
    st.error(f"You cannot open this design: {plain(str(exc))}.", icon=":material/lock:")
    st.stop()
except StoreError as exc:
    st.error(f"The library cannot be read: {plain(str(exc))}", icon=":material/database:")
    st.stop()

show_header(summary)
live = not summary.in_trash
with st.container(horizontal=True):
    st.button("Open on the board", key="hist.open", on_click=open_on_board, args=(design_id,), type="primary",
              icon=":material/draw:", disabled=not live, help="Edit the latest revision on the Board.")
    st.page_link(LIBRARY_PAGE, label="Back to the library", icon=":material/arrow_back:")
if st.session_state.get(LibKey.HIST_TAB.value) not in TABS:
    st.session_state[LibKey.HIST_TAB.value] = TABS[0]
revisions_tab, compare_tab, share_tab = st.tabs(TABS, key=LibKey.HIST_TAB.value, on_change="rerun")
if revisions_tab.open:
    with revisions_tab:
        show_revisions(design_id, history, live)
if compare_tab.open:
    with compare_tab:
        show_compare(design_id, history)
if share_tab.open:
    with share_tab:
        show_share_panel(design_id, history, "history", live)
