"""The Workspace page (a Streamlit UI piece): pick the workspace new designs go to, see its members, and, as an
owner, add people by e-mail with a role, change roles and remove people, rename the workspace, and delete it once
it holds no design (live or in its trash: nothing saved is lost; the page says how many it still holds, and asks
before deleting); make a new workspace. People are shown through ``components.common.people``.

Roles (``mlsd.store.workspaces``): a viewer sees the workspace's designs read-only; an editor also changes them;
an owner also manages the members. Every change goes through ``components.common.store.store()``, which refuses
what the person's role does not allow (``mlsd.store.access``); problems are shown, nothing half-done.
"""

from __future__ import annotations

import streamlit as st

from components.common.markup import plain, plural
from components.common.people import person_text, unlinked
from components.common.store import WORKSPACE_KEY, store
from mlsd.store import LOCAL_WORKSPACE, ROLES, Member, StoreError, Workspace
from mlsd.store.workspaces import at_least

ROLE_HELP = {"viewer": "sees the designs, read-only", "editor": "also changes and saves them",
             "owner": "also adds and removes people"}
ADD_EMAIL, ADD_ROLE, NEW_NAME = "workspace.add_email", "workspace.add_role", "workspace.new_name"
MESSAGE = "workspace.message"
RENAME, CONFIRM_DELETE = "workspace.rename_to", "workspace.confirm_delete"  # the new name; the id asked about


def _say(level: str, text: str) -> None:
    st.session_state[MESSAGE] = (level, text)


def _on_add(workspace_id: str) -> None:
    email = str(st.session_state.get(ADD_EMAIL) or "").strip()
    role = str(st.session_state.get(ADD_ROLE) or "viewer")
    try:
        member = store().set_member(workspace_id, email, role)
    except StoreError as exc:
        _say("error", f"Not added: {exc}")
        return
    st.session_state[ADD_EMAIL] = ""
    _say("success", f"{member.person} is now a {member.role} of this workspace.")


def _on_role(workspace_id: str, person: str, key: str) -> None:
    try:
        member = store().set_member(workspace_id, person, str(st.session_state.get(key)))
    except StoreError as exc:
        _say("error", f"Role not changed: {exc}")
        return
    _say("success", f"{member.person} is now a {member.role}.")


def _on_remove(workspace_id: str, person: str) -> None:
    try:
        store().remove_member(workspace_id, person)
    except StoreError as exc:
        _say("error", f"Not removed: {exc}")
        return
    _say("success", f"{person} is no longer a member of this workspace.")


def _on_new() -> None:
    name = str(st.session_state.get(NEW_NAME) or "")
    try:
        workspace = store().create_workspace(name)
    except StoreError as exc:
        _say("error", f"No workspace made: {exc}")
        return
    st.session_state[NEW_NAME] = ""
    st.session_state[WORKSPACE_KEY] = workspace.id
    _say("success", f"Made the workspace {workspace.name!r}; you are its owner.")


def _on_rename(workspace_id: str) -> None:
    try:
        workspace = store().rename_workspace(workspace_id, str(st.session_state.get(RENAME) or ""))
    except StoreError as exc:
        _say("error", f"Not renamed: {exc}")
        return
    _say("success", f"The workspace is now called {workspace.name!r}.")


def _on_ask_delete(workspace_id: str) -> None:
    st.session_state[CONFIRM_DELETE] = workspace_id


def _on_cancel_delete() -> None:
    st.session_state.pop(CONFIRM_DELETE, None)


def _on_delete(workspace: Workspace) -> None:
    st.session_state.pop(CONFIRM_DELETE, None)
    try:
        store().delete_workspace(workspace.id)
    except StoreError as exc:
        _say("error", f"Not deleted: {exc}")
        return
    st.session_state.pop(WORKSPACE_KEY, None)
    _say("success", f"Deleted the workspace {workspace.name!r}.")


def _show_message() -> None:
    said = st.session_state.pop(MESSAGE, None)
    if said:
        level, text = said
        if level == "success":
            st.toast(unlinked(text), icon="✅")
        else:
            st.error(unlinked(text), icon=":material/error:")


PICK_KEY = "workspace.pick"  # the selectbox; its choice is kept under WORKSPACE_KEY, which outlives this page


def _on_pick() -> None:
    st.session_state[WORKSPACE_KEY] = st.session_state.get(PICK_KEY)


def pick_workspace(memberships: list[tuple[Workspace, str]]) -> str:
    """The selectbox of the person's workspaces (its choice is where new designs go); returns the chosen id."""
    names = {w.id: f"{w.name} · {role}" for w, role in memberships}
    if st.session_state.get(WORKSPACE_KEY) not in names:
        editable = [w.id for w, role in memberships if role != "viewer"]
        st.session_state[WORKSPACE_KEY] = (editable or list(names))[0]
    st.session_state[PICK_KEY] = st.session_state[WORKSPACE_KEY]
    st.selectbox("Workspace", list(names), key=PICK_KEY, on_change=_on_pick, format_func=lambda i: names[i],
                 help="The workspaces you belong to, with your role in each. New designs you save go to the one "
                      "chosen here when you may edit it.")
    return str(st.session_state[WORKSPACE_KEY])


def _member_row(workspace_id: str, member: Member, is_owner: bool, me: str) -> None:
    with st.container(horizontal=True, vertical_alignment="center", key=f"member-{member.person}"):
        who = person_text(member.person) + (" (you)" if member.person == me else "")
        st.text(who, width=320)
        if is_owner:
            key = f"workspace.role.{member.person}"
            st.session_state[key] = member.role
            st.selectbox("Role", ROLES, key=key, on_change=_on_role, args=(workspace_id, member.person, key),
                         label_visibility="collapsed", width=140, format_func=str.capitalize)
            st.button("Remove", key=f"workspace.remove.{member.person}", on_click=_on_remove,
                      args=(workspace_id, member.person), icon=":material/person_remove:", type="tertiary")
        else:
            st.text(member.role.capitalize(), width=140)
        st.caption(ROLE_HELP[member.role])


def _settings(workspace: Workspace, members: int) -> None:
    """An owner's rename and delete (delete asks first, and is offered only for a workspace without designs)."""
    st.subheader("Rename or delete", anchor=False)
    if st.session_state.get(f"{RENAME}.for") != workspace.id:  # a fresh box for each workspace picked
        st.session_state[RENAME], st.session_state[f"{RENAME}.for"] = workspace.name, workspace.id
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input("Name", key=RENAME, max_chars=100, width=320)
        st.button("Rename", key="workspace.rename", on_click=_on_rename, args=(workspace.id,),
                  icon=":material/edit:")
    try:
        live, trashed = store().workspace_designs(workspace.id)
    except StoreError as exc:
        st.error(unlinked(str(exc)))
        return
    if workspace.id == LOCAL_WORKSPACE:
        st.caption("The Local workspace holds the designs made without sign-in: it can be renamed, not deleted.")
        return
    if live or trashed:
        held = " and ".join([plural(live, "design")] * bool(live) + [f"{trashed} in its trash"] * bool(trashed))
        st.caption(f"This workspace still holds {held}: it can be deleted once it holds none (move its designs "
                   "to the trash in the Library and empty it). Deleting a workspace never deletes a design.")
    if st.session_state.get(CONFIRM_DELETE) != workspace.id:
        st.button("Delete workspace…", key="workspace.delete", on_click=_on_ask_delete, args=(workspace.id,),
                  icon=":material/delete:", disabled=bool(live or trashed),
                  help="Only an empty workspace can be deleted." if live or trashed else
                  "Asks before deleting.")
        return
    with st.container(border=True, key="workspace-confirm-delete"):
        st.warning(f"Delete the workspace “{plain(workspace.name)}”? It holds no design; "
                   f"{plural(members, 'member')} will no longer see it. This cannot be undone.",
                   icon=":material/warning:")
        with st.container(horizontal=True):
            st.button("Delete for good", key="workspace.delete.confirm", on_click=_on_delete, args=(workspace,),
                      type="primary", icon=":material/delete_forever:")
            st.button("Cancel", key="workspace.delete.cancel", on_click=_on_cancel_delete)


def show_workspace() -> None:
    """The whole page (for a signed-in person; without sign-in there is one workspace and one user)."""
    view = store()
    _show_message()
    st.header("Workspace", anchor=False)
    if view.actor is None or view.actor.local:
        st.info("Workspaces and roles come with sign-in: without it the app has one user, who owns every design.",
                icon=":material/group:")
        return
    memberships = view.memberships()
    if not memberships:
        st.info("You belong to no workspace yet.", icon=":material/group:")
    else:
        workspace_id = pick_workspace(memberships)
        role = view.role_in(workspace_id)
        if at_least(role, "editor"):
            st.caption("New designs you save go to this workspace.")
        else:
            st.caption(f"You are a viewer here: new designs you save go to {plain(str(view.home()))}."
                       if view.home() else "You are a viewer here, and of every workspace you belong to.")
        st.subheader("Members", anchor=False)
        is_owner = role == "owner"
        try:
            members = view.members(workspace_id)
        except StoreError as exc:
            st.error(plain(str(exc)))
            return
        for member in members:
            _member_row(workspace_id, member, is_owner, view.actor.person)
        if is_owner:
            st.subheader("Add a member", anchor=False)
            with st.container(horizontal=True, vertical_alignment="bottom"):
                st.text_input("E-mail", key=ADD_EMAIL, placeholder="name@example.com", width=320,
                              help="The address they sign in with.")
                st.selectbox("Role", ROLES, key=ADD_ROLE, width=140, format_func=str.capitalize,
                             help="Viewer: sees the designs read-only. Editor: also changes them. Owner: also "
                                  "manages the members.")
                st.button("Add", key="workspace.add", on_click=_on_add, args=(workspace_id,), type="primary",
                          icon=":material/person_add:")
            _settings(next(w for w, _ in memberships if w.id == workspace_id), len(members))
        else:
            st.caption("Only the workspace's owners can add or remove people and change roles.")
    with st.expander("New workspace"), st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input("Name", key=NEW_NAME, max_chars=100, width=320)
        st.button("Create workspace", key="workspace.new", on_click=_on_new, icon=":material/group_add:")
