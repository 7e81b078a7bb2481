"""The session-state keys every page shares, in one place, and the one accessor that reads them.

Pages and UI pieces never spell a ``st.session_state`` key inline: they use a name from ``Key`` so that two
pages cannot disagree on a key by a typo, and a reader can find every use with one search.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import streamlit as st


class Key(StrEnum):
    """Named ``st.session_state`` keys."""

    EXAMPLE = "home.example"  # path of the example design picked on the home page (a selectbox key)


def get(key: Key, default: Any = None) -> Any:
    """The session value stored under ``key``, or ``default`` when nothing is stored yet."""
    return st.session_state.get(key.value, default)
