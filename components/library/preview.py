"""A design previewed under its row in the Library (a Streamlit UI piece): its latest revision on the Board's
canvas, read-only (``components.common.design_view.show_picture``), with the author's positions and shapes.
"""

from __future__ import annotations

import streamlit as st

from components.common.design_view import show_picture
from components.common.markup import plain
from components.common.store import store
from components.library.state import LibKey
from mlsd.store import DesignSummary, StoreError

PREVIEW_HEIGHT = 440


def _on_close_preview() -> None:
    st.session_state[LibKey.PREVIEW.value] = None


def show_preview(item: DesignSummary) -> None:
    """The design's latest revision on the canvas, read-only, with a button that closes the preview."""
    try:
        revision = store().open(item.id)
    except StoreError as exc:
        st.error(f"The design cannot be opened: {plain(str(exc))}")
        return
    with st.container(border=True, key=f"lib-preview-{item.id}"):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{plain(item.name)}** · revision {revision.number}, read-only")
            st.button("Close preview", key=f"lib.preview_close.{item.id}", on_click=_on_close_preview,
                      icon=":material/close:", type="tertiary")
        show_picture(revision.design, key=f"lib.preview.{item.id}.{revision.number}", height=PREVIEW_HEIGHT)
