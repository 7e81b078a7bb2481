"""The library every page reads and writes (a Streamlit resource): one ``mlsd.store.Store`` per database file.

The file is ``$MLSD_DB`` or the store's default (``mlsd.store.default_path``); the connection is opened once per
file and shared by every session of the server (``st.cache_resource``).
"""

from __future__ import annotations

import streamlit as st

from mlsd.store import Store, default_path, open_store


@st.cache_resource(show_spinner=False)
def _open(path: str) -> Store:
    return open_store(path)


def store() -> Store:
    """The library the app uses (``$MLSD_DB`` or the default file; one shared connection per file)."""
    return _open(str(default_path()))
