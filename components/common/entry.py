"""Make every page run inside ``app.py``'s navigation, even when Streamlit runs a ``pages/`` file on its own.

Streamlit treats an app with a ``pages/`` folder as a folder-based multipage app until ``st.navigation`` has run
in the process (and Streamlit's AppTest starts every run that way). Such a run executes ``pages/board.py`` by
itself, with a sidebar listing the page files; a deep link such as ``/board`` as a fresh server's first request
showed exactly that. ``through_app()``, called first by every page, notices the case and runs ``app.py`` in its
place, within the same script run (widget events such as a button click are kept): ``app.py`` sets the page
config and the navigation, then runs this page again, this time as one of its own.
"""

import runpy
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

APP = Path(__file__).resolve().parents[2] / "app.py"


def through_app() -> None:
    """Run ``app.py`` instead when Streamlit ran this page directly as a ``pages/`` file, then stop."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
