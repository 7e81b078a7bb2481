"""The Board page's Streamlit UI pieces: the board's state and who owns it, the canvas (``canvas``, over
the whiteboard component), the toolbar, inspector, findings panel, import/export, the charts of its
numbers and the numbers under load (``load``). The practice page draws its board with these same pieces.

Here "component" means a Streamlit UI piece; the blocks on the board are ``mlsd.model.Component``.
"""
