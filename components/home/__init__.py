"""The Home page's Streamlit UI pieces: the introduction and the catalog of building blocks.

Here "component" means a Streamlit UI piece; a placed block of a design is ``mlsd.model.Component``.
"""
