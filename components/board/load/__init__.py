"""The numbers under load (Streamlit UI pieces): the load ramp, utilisation at peak, cost at each load, the
single-failure what-ifs and the discrete-event simulation, shown on the Board and (read-only) on a shared design.

Here "component" means a Streamlit UI piece; a placed block of a design is a block (``mlsd.model.Component``).

- ``figures``: plotly figures built by plain functions of the analysis (tests read them);
- ``tables``: the texts and table rows (path summaries, the what-if table, simulation rows);
- ``simulation``: the "Run simulation" button, its progress bar and its result kept per design;
- ``view``: the views drawn on the page, with their empty states.
"""
