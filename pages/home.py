"""Home: what the product does, the example designs drawn with their figures, and the block catalog."""

import streamlit as st

from components.board.toolbar import start_from_template
from components.common.design_view import show_design, show_load_error
from components.common.entry import through_app
from components.common.examples import designs_dir, example_figures, list_examples, load_example, pick_example
from components.home.catalog import show_catalog
from components.home.intro import show_intro
from mlsd.io import DesignError

through_app()

show_intro()

st.header("Example designs")
examples = list_examples()
if not examples:
    st.info(f"No example designs yet: add design files (`*.json`, format mlsd/1) to `{designs_dir()}` "
            "and reload this page. `python -m mlsd schema` prints the format.")
else:
    pick_col, open_col = st.columns([3, 1], vertical_alignment="bottom")
    with pick_col:
        path = pick_example(examples)
    if path is not None:
        if open_col.button("Open on the board", icon=":material/draw:", width="stretch",
                           help="Start a new design on the board from a copy of this example."):
            start_from_template(path)
            st.switch_page("pages/board.py")
        try:
            show_design(load_example(path), example_figures(path))
        except DesignError as exc:
            show_load_error(exc)

st.header("Block catalog")
show_catalog()
