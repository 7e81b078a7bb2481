"""The library every page reads and writes, as the person using the app may use it (``mlsd.store.UserStore``).

The file is ``$MLSD_DB`` or the store's default (``mlsd.store.default_path``); the connection is opened once per
file and shared by every session of the server (``st.cache_resource``). ``store()`` binds it to who is signed in
(``components.common.identity``): without sign-in that is the local user, who owns everything (the app as it
always was); with sign-in, every read and write is checked against the person's role in the design's workspace,
and their revisions carry their name. New designs go to the workspace chosen on the Workspace page (``Key``
``WORKSPACE``), else the first one the person may edit. A person who owns no workspace is given one the first time
(``UserStore.ensure_home``).
"""

from __future__ import annotations

import streamlit as st

from components.common import identity
from mlsd.store import LOCAL_ACTOR, Actor, Store, StoreError, UserStore, actor_for, default_path, open_store
from mlsd.store.workspaces import at_least

WORKSPACE_KEY = "workspace.current"  # the workspace new designs go to (its id), chosen on the Workspace page
_HOMED_KEY = "workspace.homed"  # the person whose own workspace was made sure of in this session


@st.cache_resource(show_spinner=False)
def _open(path: str) -> Store:
    return open_store(path)


def library() -> Store:
    """The whole library, unchecked: only for what belongs to nobody (nothing in the app's pages needs it)."""
    return _open(str(default_path()))


def actor() -> Actor | None:
    """Who acts on the library: the local user without sign-in, the signed-in person, or None (a visitor)."""
    user = identity.current_user()
    if user is None:
        return None
    if user == identity.LOCAL:
        return LOCAL_ACTOR
    return actor_for(user.email or user.id, user.name)


def store() -> UserStore:
    """The library as the person using the app may use it (see the module docstring)."""
    who = actor()
    view = UserStore(library(), who, workspace=st.session_state.get(WORKSPACE_KEY))
    if who is not None and not who.local and st.session_state.get(_HOMED_KEY) != who.person:
        view.ensure_home()
        st.session_state[_HOMED_KEY] = who.person
    return view


def may_edit(design_id: str | None) -> bool:
    """True when the person may change this design (editor or owner of its workspace; always without sign-in).
    ``None`` (a design not saved yet) is theirs to save."""
    if design_id is None or not identity.auth_configured():
        return True
    try:
        return at_least(store().role_for(design_id), "editor")
    except StoreError:
        return False


def viewer_note(design_id: str) -> str | None:
    """Why this person may look at the design but not change it, or None when they may change it."""
    if not identity.auth_configured():
        return None  # the local user owns everything: no query on every rerun of the Board
    view = store()
    try:
        workspace = view.workspace_of(design_id)
        role = view.role_in(workspace)
        if at_least(role, "editor"):
            return None
        name = library().workspace(workspace).name
    except StoreError:
        return None
    return (f"You are a {role or 'visitor'} in the workspace “{name}”: you can look at this design but not change "
            "or save it. Ask one of its owners for the editor role (Workspace page).")
