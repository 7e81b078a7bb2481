"""Shared design: what a read-only share link (``?share=TOKEN``) opens — the design, its findings with accepted
risks, numbers and notes, the review comments when the link shows them, and "Copy to my library". A link that does
not open shows one message and nothing else: expired, revoked, or (unknown, design in the trash) no longer valid.
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
except ShareNotFound as exc:  # ShareExpired and ShareRevoked say which
    show_not_found(exc)
    st.stop()
except StoreError as exc:
    st.error(f"The shared design cannot be read now: {plain(str(exc))}", icon=":material/database:")
    st.stop()
show_shared(token, shared)
