"""The sign-in / sign-out control at the top of every page, and the gate that asks for sign-in.

Drawn only when sign-in is configured (``identity.auth_configured()``): without it the app looks and behaves as it
always did. With it, a slim row at the top right says who is signed in, with "Sign out", or offers "Sign in";
every page but Home (and the shared read-only page, which has its own navigation) asks a visitor who is not signed
in to sign in first. "component" here means a Streamlit UI piece.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAuthError

from components.common import identity
from components.common.markup import plain

OPEN_PAGES = frozenset({"", "shared"})
"""``url_path`` of the pages anyone may see without signing in: Home (the default page) and the shared page."""


def _start_sign_in() -> None:
    try:
        identity.sign_in()
    except StreamlitAuthError as exc:  # the [auth] section is incomplete or wrong: say so, sign nobody in
        st.error(f"Sign-in is not set up correctly: {plain(str(exc))}", icon=":material/lock:")


def show_account() -> None:
    """The row at the top right: "Signed in as …" with Sign out, or Sign in. Nothing without sign-in."""
    if not identity.auth_configured():
        return
    user = identity.current_user()
    with st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center", gap="small",
                      key="account"):
        if user is None:
            if st.button("Sign in", key="account.sign_in", icon=":material/login:", type="tertiary"):
                _start_sign_in()
        else:
            st.text(f"Signed in as {user.label}", width="content")  # plain text: an e-mail is not a link
            if st.button("Sign out", key="account.sign_out", icon=":material/logout:", type="tertiary"):
                identity.sign_out()


def needs_sign_in(page: object) -> bool:
    """True when this page asks for sign-in and nobody is signed in (never without sign-in configured)."""
    path = getattr(page, "url_path", "")
    return identity.auth_configured() and path not in OPEN_PAGES and identity.current_user() is None


def show_sign_in_needed(title: str) -> None:
    """What a page shows instead of itself to a visitor who is not signed in."""
    st.header(title, anchor=False)
    st.info(f"Sign in to open the {plain(title)}: designs belong to workspaces, and what you may see and change "
            "depends on your role in each.", icon=":material/lock:")
    if st.button("Sign in", key="account.gate_sign_in", type="primary", icon=":material/login:"):
        _start_sign_in()
