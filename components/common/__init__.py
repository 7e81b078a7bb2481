"""Streamlit UI pieces that several pages use: safe markup, session-state keys, the library store, a design drawn
read-only, the example designs, and the entry that runs every page inside ``app.py``.

Here "component" means a Streamlit UI piece; a placed block of a design is ``mlsd.model.Component``. Nothing in
this package imports another ``components`` subpackage.
"""
