"""Progress: every graded practice session of the person using the app (with sign-in, only their own:
``mlsd.store.access``) — the score over time, first against latest per rubric dimension, the sessions, and what to
study next for the weakest dimension.
"""

import streamlit as st

from components.common.entry import through_app
from components.common.markup import plain
from components.common.store import store
from components.progress.data import sort_sessions
from components.progress.view import show_awaiting, show_empty, show_overview, show_study, show_table
from mlsd.store import StoreError

through_app()

st.title("Progress")
try:
    library = sort_sessions(store().list_sessions())
except StoreError as exc:
    st.error(f"The library cannot be read: {plain(str(exc))}", icon=":material/error:")
    st.stop()
if not library.attempts:
    show_empty(library)
    st.stop()
show_overview(library.attempts)
show_study(library.attempts)
show_table(library.attempts)
show_awaiting(library)
