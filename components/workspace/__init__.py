"""The Workspace page's Streamlit UI pieces: the person's workspaces, their members and roles (with sign-in).

Here "component" means a Streamlit UI piece; a placed block of a design is ``mlsd.model.Component``.
"""
