"""Workspace: the signed-in person's workspaces, their members and roles (shown in the menu only with sign-in)."""

from components.common.entry import through_app
from components.workspace.view import show_workspace

through_app()

show_workspace()
