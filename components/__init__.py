"""Reusable Streamlit UI pieces that the pages draw with.

Here "component" means a Streamlit UI piece (a function that draws part of a page), not a placed block of a
design: that one is ``mlsd.model.Component``. The domain lives in ``mlsd/`` and never imports Streamlit;
these modules read the domain and draw it.
"""
