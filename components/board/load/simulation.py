"""The discrete-event simulation on the page: a button that runs ``mlsd.analysis.simulation.simulate`` with a
progress bar, then the simulated p99 (with its 95% CI) beside the model's per path and a histogram of the
simulated latencies. A run takes up to ~15 s, so it happens only on demand; its result is kept with the design's
review (``components.board.state.Review.memo``), so it stays until the design changes and comes back after an undo.

The simulation module is optional: when this build has none, the section says so and offers no button.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

import streamlit as st

from components.board.charts import text
from components.board.load.figures import fmt_load, latency_histogram, titles_of
from components.board.load.tables import SimulationLike, simulation_caption, simulation_rows
from components.board.load.ui import note
from components.common.markup import plain
from mlsd.analysis import Analysis
from mlsd.model import Design

MEMO_KEY = "load.simulation"  # in Review.memo: the last SimulationLike of this design
LOAD_KEY = "board.load.sim_load"
RUN_KEY = "board.load.sim_run"
PATH_KEY = "board.load.sim_path"
SIM_LOADS = (0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0)
TIME_BUDGET_S = 15.0
log = logging.getLogger(__name__)


class Simulate(Protocol):
    def __call__(self, analysis: Analysis, load: float = 1.0, seed: int = 0, *, target_ci: float = 0.05,
                 time_budget_s: float = 15.0, progress: Callable[[float, str], None] | None = None
                 ) -> SimulationLike: ...


def _load_simulate() -> Simulate | None:
    try:
        module = importlib.import_module("mlsd.analysis.simulation")
    except ImportError:
        return None
    found: Simulate | None = getattr(module, "simulate", None)
    return found


simulate: Simulate | None = _load_simulate()  # tests replace it with a fast fake


def _run(analysis: Analysis, load: float, memo: dict[str, Any]) -> None:
    """Run the simulation with a progress bar; keep the result in ``memo`` (or show why it failed)."""
    run = simulate
    if run is None:
        return
    bar = st.progress(0.0, text="Starting the simulation…")

    def progress(done: float, message: str) -> None:
        bar.progress(min(max(float(done), 0.0), 1.0), text=message or f"Simulating… {done:.0%}")

    try:
        result = run(analysis, load=load, seed=0, time_budget_s=TIME_BUDGET_S, progress=progress)
    except Exception as exc:  # shown, not swallowed: the page stays usable and says what went wrong
        log.exception("simulation failed")
        bar.empty()
        st.error(f"The simulation stopped with an error: {plain(type(exc).__name__)}: {plain(str(exc))}",
                 icon=":material/error:")
        return
    bar.empty()
    memo[MEMO_KEY] = result


def show_simulation(design: Design, analysis: Analysis, memo: dict[str, Any]) -> None:
    """The simulation section: what it is, the button, and the last result for this design."""
    st.markdown("**Simulation: check the model by simulating requests**")
    if simulate is None:
        st.info("The discrete-event simulation is not available in this build; the numbers above come from the "
                "queueing model alone.", icon=":material/science:")
        return
    note("A discrete-event simulation (ciw) sends requests through the same network of queues and measures "
         "their end-to-end latency: a check on the queueing model's p99. It runs for up to "
         f"{TIME_BUDGET_S:.0f} s; the page waits while it runs, and a click elsewhere on the page stops it.")
    load_col, button_col = st.columns([2, 1], vertical_alignment="bottom")
    with load_col:
        load = st.select_slider("Load to simulate (× peak)", options=SIM_LOADS, value=1.0, key=LOAD_KEY,
                                format_func=lambda x: fmt_load(x) + (" (peak)" if x == 1.0 else ""),
                                help="The simulation's arrival rate as a multiple of the declared peak load.")
    with button_col:
        clicked = st.button("Run simulation", key=RUN_KEY, icon=":material/play_arrow:", width="stretch",
                            help=f"Simulates requests at the chosen load for up to {TIME_BUDGET_S:.0f} s; the "
                                 "result is kept until the design changes.")
    if clicked:
        _run(analysis, float(load), memo)
    result: SimulationLike | None = memo.get(MEMO_KEY)
    if result is None:
        note("No simulation run for this version of the design yet.")
        return
    show_result(design, result)


def show_result(design: Design, result: SimulationLike) -> None:
    """The simulated p99 beside the model's per path, the histogram of one path, what the simulation simplifies."""
    st.markdown(f"**Simulated at {fmt_load(result.load)} peak** — simulated p99 (95% CI) beside the queueing "
                "model's p99 at the same load")
    rows = simulation_rows(design, result)
    if not rows:
        note("The simulation reports no serving path.")
        return
    st.dataframe(rows, hide_index=True, width="stretch", key="board.load.sim_table", placeholder="—",
                 column_config={"Difference": st.column_config.TextColumn(
                     help="The simulated p99 against the model's, as a share of the model's."),
                     "Requests": st.column_config.NumberColumn(format="localized",
                                                               help="Requests recorded over all replications.")})
    note(simulation_caption(result))
    titles = titles_of(design)
    entries = [p.entry for p in result.paths]
    chosen = entries[0]
    if len(entries) > 1:
        chosen = st.selectbox("Path to show", entries, key=PATH_KEY, format_func=lambda e: titles.get(e, e),
                              help="The histogram shows the simulated latencies of one serving path.")
    path = next(p for p in result.paths if p.entry == chosen)
    fig = latency_histogram(f"Simulated latencies: {text(titles.get(path.entry, path.entry))}",
                            path.latencies_ms, path.p99_ms, path.p99_ci_ms, path.model_p99_ms,
                            design.requirements.sla_p99_ms)
    if fig is not None:
        st.plotly_chart(fig, key="board.load.sim_hist")
    elif path.p99_ms is None:
        st.warning(f"**{plain(titles.get(path.entry, path.entry))}** is saturated at {fmt_load(result.load)} peak: a "
                   "tier on it gets more requests than it can serve, so its queue grows without bound and there is "
                   "no p99 to measure.", icon=":material/warning:")
    if result.note:
        st.info(f"**What the simulation simplifies:** {plain(result.note)}", icon=":material/info:")
