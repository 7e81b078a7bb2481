"""Shared design: what a read-only share link (``?share=TOKEN``) opens — the design, its findings with accepted
risks, numbers and notes, and "Copy to my library". An unknown or revoked token shows one message and nothing else.
"""

import streamlit as st

from components.common.entry import through_app
from components.common.markup import plain
from components.common.store import store
from components.library.readonly import show_not_found, show_shared
from components.library.state import show_flash
from mlsd.store import ShareNotFound, StoreError

through_app()

token = st.query_params.get("share", "")
show_flash()
try:
    shared = store().open_share(token)
except ShareNotFound:
    show_not_found()
    st.stop()
except StoreError as exc:
    st.error(f"The shared design cannot be read now: {plain(str(exc))}", icon=":material/database:")
    st.stop()
show_shared(token, shared)
