"""The Progress page's Streamlit UI pieces: confirmed practice sessions as data (``data``) and drawn (``view``).

Here "component" means a Streamlit UI piece; a placed block of a design is ``mlsd.model.Component``.
"""
