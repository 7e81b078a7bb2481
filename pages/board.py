"""Board: draw an ML system from typed blocks and see it reviewed as you draw.

Thin by design: it applies what happened on the canvas, then lays out a slim toolbar, the canvas across the page
(its palette of blocks at its edge) with the findings / inspector / requirements / comments in a collapsible side
panel (or, from the toolbar's History and Share, the design's revisions or its share links), and the numbers below, all
drawn by ``components/``; every edit is a function of ``mlsd.edit``.
"""

import streamlit as st

from components.board import state as bs
from components.board.canvas import apply_canvas_events, show_canvas, show_canvas_help
from components.board.charts import show_graphviz, show_numbers
from components.board.comments import comment_badges, show_comments
from components.board.explain import show_explain
from components.board.exports import show_exports, show_import
from components.board.findings import show_findings
from components.board.fixes import show_fixes
from components.board.inspector import show_inspector, show_notes, show_requirements
from components.board.load.view import show_board_load
from components.board.merging import pending_merge, show_merge_panel
from components.board.owner import release_board
from components.board.sizing import show_sizing
from components.board.toolbar import (
    EMPTY_SLOT,
    close_side,
    show_conflict_exits,
    show_empty_board,
    show_flash,
    show_toolbar,
    side_view,
)
from components.common.entry import through_app
from components.common.store import viewer_note
from components.library.versions import show_history_panel, show_share_side
from components.library.viewer import show_viewer_board
from mlsd.start import canvas_findings

through_app()

CANVAS_HEIGHT = 680
PANEL_HEIGHT = 680  # the side panel scrolls within the canvas' height

release_board()  # the practice page lends the board's state to a practice session; take this page's back
bs.init()
if (doc := bs.doc()) is not None and (note := viewer_note(doc.design_id)) is not None:
    show_viewer_board(note)  # a viewer of the design's workspace (sign-in): read-only, nothing to save
    st.stop()
asked = (bs.selected(), st.session_state.get(bs.BoardKey.PANEL.value))
apply_canvas_events()
if bs.selected() not in (None, asked[0]) or st.session_state.get(bs.BoardKey.PANEL.value) != asked[1]:
    close_side()  # a block picked or a badge clicked on the canvas: the panel shows it, not the versions
show_toolbar()
show_flash()
design = bs.design()
review = bs.review()

with st.container(key=EMPTY_SLOT):  # always there and no height: the hint in it is drawn over the canvas below
    if not design.components:
        show_empty_board()
columns = st.columns([3.2, 1.3] if bs.panel_open() else [1])  # the canvas stays the first column either way
canvas_col, panel_col = columns[0], (columns[1] if len(columns) > 1 else None)
with canvas_col:
    show_canvas(canvas_findings(design, review.report.findings), height=CANVAS_HEIGHT,  # gentle start: mlsd.start
                comments=comment_badges(design, review.report))
    show_canvas_help()
if panel_col is not None and pending_merge() is not None:  # a save met someone else's: pick per conflict
    with panel_col:
        show_merge_panel(PANEL_HEIGHT - 150)
        show_conflict_exits()
elif panel_col is not None and side_view() is not None:
    with panel_col:
        if side_view() == "history":
            show_history_panel(PANEL_HEIGHT - 90)
        else:
            show_share_side(PANEL_HEIGHT - 90)
elif panel_col is not None:
    with panel_col:
        findings_tab, inspector_tab, requirements_tab, comments_tab = st.tabs(bs.BOARD_PANELS, key=bs.BoardKey.PANEL,
                                                                              on_change="rerun")
        if findings_tab.open:
            with findings_tab, st.container(height=PANEL_HEIGHT, border=False):
                show_fixes(review)
                show_findings(review.report)
        if inspector_tab.open:
            with inspector_tab, st.container(height=PANEL_HEIGHT, border=False):
                show_inspector()
        if requirements_tab.open:
            with requirements_tab, st.container(height=PANEL_HEIGHT, border=False):
                show_requirements()
        if comments_tab.open:
            with comments_tab, st.container(height=PANEL_HEIGHT, border=False):
                show_comments(design, review.report)

numbers_tab, load_tab, explain_tab, graph_tab, files_tab, notes_tab = st.tabs(
    ["Numbers", "Load & failures", "Explain & size", "Graphviz view", "Import / export", "Notes"], key="board.bottom",
    on_change="rerun")
if numbers_tab.open:
    with numbers_tab:
        show_numbers(design, review)
if load_tab.open:  # the ramp and the what-ifs are computed only when this tab is shown (then kept per design)
    with load_tab:
        show_board_load(design, review)
if explain_tab.open:  # where each number comes from, and the cheapest replicas that hold (on demand)
    with explain_tab:
        show_explain(design, review)
        show_sizing(design, review)
if graph_tab.open:
    with graph_tab:
        show_graphviz(design, review)
if files_tab.open:
    with files_tab:
        import_col, export_col = st.columns(2)
        with import_col:
            show_import()
        with export_col:
            show_exports(design, review.report)
if notes_tab.open:
    with notes_tab:
        show_notes()
