"""Home: what the product does, where to start (a new blank design, the library, practice), the example designs
drawn with their figures on the read-only canvas, and the block catalog."""

import streamlit as st

from components.board.owner import release_board
from components.board.toolbar import new_blank, start_from_template
from components.common.design_view import show_design, show_load_error
from components.common.entry import through_app
from components.common.examples import designs_dir, example_figures, list_examples, load_example, pick_example
from components.home.catalog import show_catalog
from components.home.intro import show_intro
from mlsd.io import DesignError

through_app()

show_intro()
with st.container(horizontal=True, gap="small", vertical_alignment="center"):
    if st.button("New blank design", key="home.new", type="primary", icon=":material/add:",
                 help="An empty board: drag blocks from the palette onto the canvas."):
        release_board()  # the Board's own design, not a practice session's
        new_blank()  # asks first on the Board when its design has unsaved changes
        st.switch_page("pages/board.py")
    st.page_link("pages/library.py", label="Open a saved design", icon=":material/folder_open:")
    st.page_link("pages/practice.py", label="Practise an interview question", icon=":material/timer:")

st.header("Example designs")
examples = list_examples()
if not examples:
    st.info(f"No example designs yet: add design files (`*.json`) to `{designs_dir()}` and reload this page.")
else:
    pick_col, open_col = st.columns([3, 1], vertical_alignment="bottom")
    with pick_col:
        path = pick_example(examples)
    if path is not None:
        if open_col.button("Open on the board", icon=":material/draw:", width="stretch",
                           help="Start a new design on the board from a copy of this example."):
            release_board()
            start_from_template(path)
            st.switch_page("pages/board.py")
        try:
            show_design(load_example(path), example_figures(path))
        except DesignError as exc:
            show_load_error(exc)

st.header("Block catalog")
show_catalog()
