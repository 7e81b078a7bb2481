"""Small Streamlit helpers shared by the load views."""

from __future__ import annotations

import streamlit as st

from components.common.markup import small


def note(markdown: str) -> None:
    """A secondary line of text: small type, full contrast (where other pages use ``st.caption``)."""
    st.markdown(small(markdown))
