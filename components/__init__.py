"""Reusable Streamlit UI pieces that the pages draw with, one subpackage per page plus what several pages share.

Here "component" means a Streamlit UI piece (a function that draws part of a page), not a placed block of a
design: that one is ``mlsd.model.Component``. The domain lives in ``mlsd/`` and never imports Streamlit;
these modules read the domain and draw it.

- ``common``: pieces several pages use (markup, session keys, the library store, the design view, examples);
- ``home``: the landing page's introduction and catalog;
- ``board``: the Board page (its state, canvas, toolbar, palette, inspector, findings, numbers, ``load``);
- ``library``: the Library, History and shared pages (table, files, history, diff, share links, read-only view);
- ``practice``: the Practice page (picker, clock, the candidate's board, grading, comparison);
- ``progress``: the Progress page (scores over time);
- ``workspace``: the Workspace page (with sign-in: workspaces, members, roles).

Imports point one way, down: ``progress`` uses ``practice``; ``practice`` and ``library`` use ``board``; every package
may use ``common``, which uses none of the others, and ``board`` uses only ``common``.
"""
