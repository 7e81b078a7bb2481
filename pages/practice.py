"""Practice: pick an interview prompt, answer it against the clock on the board, grade it on the rubric.

Thin by design: the session in the URL (``?session=ID``) decides the view — the prompt picker, the running
session, the rubric to confirm, or the confirmed result — and ``components/practice/`` draws them.
"""

from dataclasses import replace

import streamlit as st

from components.common.entry import through_app
from components.common.markup import plain
from components.practice.board import load_board
from components.practice.compare import show_comparison
from components.practice.grading import show_grading, show_result
from components.practice.picker import show_picker
from components.practice.run import show_running
from components.practice.state import (
    LoadError,
    comparison,
    open_session,
    reference_design,
    session_id,
    set_session_id,
    show_flash,
)

through_app()

show_flash()
sid = session_id()
if sid is None:
    show_picker()
    st.stop()
try:
    loaded = open_session(sid)
except LoadError as exc:
    st.error(plain(str(exc)), icon=":material/error:")
    st.button("Back to the prompt list", on_click=set_session_id, args=(None,), icon=":material/list:")
    st.stop()

if not loaded.session.finished:
    show_running(replace(loaded, session=load_board(sid, loaded.session)))
else:
    if loaded.session.confirmed:
        show_result(loaded)
    else:
        show_grading(loaded)
    design = loaded.session.design
    show_comparison(design, reference_design(loaded.prompt.reference), loaded.prompt,
                    comparison(design, loaded.prompt))
