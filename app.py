"""MLSD Whiteboard: the Streamlit entry point. It sets the page config and wires the pages, nothing else.

Run with ``streamlit run app.py``. Each page is one line in ``PAGES``; the page scripts live in ``pages/``. With
sign-in configured (``[auth]`` in ``.streamlit/secrets.toml``: ``components.common.identity``) it also draws who is
signed in at the top, adds the Workspace page, and shows a sign-in prompt instead of any page but Home.
"""

import streamlit as st

from components.common.account import needs_sign_in, show_account, show_sign_in_needed
from components.common.identity import auth_configured

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/board.py", title="Board", icon=":material/draw:", url_path="board"),
    st.Page("pages/library.py", title="Library", icon=":material/folder_open:", url_path="library"),
    # a design's history opens from the Board's toolbar (a side panel) and the Library's rows, not from the menu
    st.Page("pages/history.py", title="History", icon=":material/history:", url_path="history", visibility="hidden"),
    st.Page("pages/practice.py", title="Practice", icon=":material/timer:", url_path="practice"),
    st.Page("pages/progress.py", title="Progress", icon=":material/trending_up:", url_path="progress"),
    st.Page("pages/rules.py", title="Rules", icon=":material/checklist:", url_path="rules"),
]
# With sign-in only: who belongs to which workspace, with which role (without it there is one user, who owns all).
WORKSPACE = st.Page("pages/workspace.py", title="Workspace", icon=":material/group:", url_path="workspace")
SHARED = st.Page("pages/shared.py", title="Shared design", icon=":material/share:", url_path="shared")

# The navigation is a bar along the top, so the Board's canvas gets the page's whole width (a sidebar took ~290 px).
# Toasts at the bottom right, over the lower part of the Board's side panel: never over its toolbar (top) or its
# canvas (Streamlit puts them at the top right, over the toolbar's end). Our own constant CSS, no user text.
OVERLAYS_CSS = ("<style>[data-testid='stToastContainer'] { top: auto !important; left: auto !important; "
                "bottom: 1rem !important; right: 1rem !important; } "
                "[data-testid='stToast'] { width: 20rem !important; }</style>")

st.set_page_config(page_title="MLSD Whiteboard", page_icon=":material/account_tree:", layout="wide")
st.html(OVERLAYS_CSS)
if "share" in st.query_params:  # a read-only share link (?share=TOKEN) shows the shared design and nothing else
    st.navigation([SHARED], position="hidden").run()
else:
    page = st.navigation([*PAGES, WORKSPACE] if auth_configured() else PAGES, position="top")
    show_account()  # who is signed in, with Sign out, or Sign in: only when sign-in is configured ([auth] secrets)
    if needs_sign_in(page):
        show_sign_in_needed(page.title)
    else:
        page.run()
