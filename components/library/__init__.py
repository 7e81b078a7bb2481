"""The Library, History and shared pages' Streamlit UI pieces: their shared state and messages, the designs table,
import and export of files, the revision history, the diff of two revisions, share links and the read-only view
of a saved design.

Here "component" means a Streamlit UI piece; a placed block of a design is ``mlsd.model.Component``.
"""
