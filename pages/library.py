"""Library: every saved design in one table (search, tag filter, pages), its actions, the trash, import and export.

Thin by design: the table, the trash and the files are drawn by ``components/library/``; the data comes from
``mlsd.store``.
"""

import streamlit as st

from components.common.entry import through_app
from components.common.markup import plain
from components.common.store import store
from components.library.files import show_export, show_import, show_import_result
from components.library.state import follow_go, show_flash
from components.library.table import (
    fetch_page,
    show_designs,
    show_empty_library,
    show_filters,
    show_view_switch,
)
from components.library.trash import show_trash, show_trashed_notice
from mlsd.store import StoreError

through_app()

follow_go()
try:
    library = store()
    in_library = library.list_designs(limit=1).total
    in_trash = library.list_designs(trash=True, limit=1).total
    tags = library.tags()
except StoreError as exc:
    st.error(f"The library cannot be opened: {plain(str(exc))}", icon=":material/database:")
    st.stop()

title_col, files_col = st.columns([3, 2], vertical_alignment="bottom")
title_col.header("Library", anchor=False)
title_col.caption("Every design you saved, with its revisions. Open one on the Board, look at its history and "
                  "diffs, share a read-only link, or import and export design files.")
with files_col, st.container(horizontal=True, horizontal_alignment="right"):
    show_import()
    show_export(in_library)
show_flash()
show_import_result()
view = show_view_switch(in_trash)
try:
    if view == "Trash":
        show_trash(fetch_page(None, trash=True))
    elif in_library == 0:
        show_trashed_notice()
        show_empty_library()
    else:
        show_trashed_notice()
        filters = show_filters(tags)
        show_designs(fetch_page(filters, trash=False), filters)
except StoreError as exc:
    st.error(f"The library cannot be read: {plain(str(exc))}", icon=":material/database:")
