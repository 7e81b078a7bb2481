"""The board's "Explain & size" tab, size half (a Streamlit UI piece): the "Size it" action.

"Size it" runs ``mlsd.analysis.sizing.size`` on the current design with a progress bar and keeps the result with
the design's review (``Review.memo``: it stays until the design changes). The result is shown as the monthly
cost before and after, the tiers whose replicas change (with the constraint one replica fewer would break), the
diff of the design (``mlsd.diff``) and what cannot be met. "Apply" makes the sized design the current one in one
commit (``state.commit``): one undoable step, like any edit.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from components.board import state as bs
from components.board.state import Review
from components.common.markup import plain
from mlsd.analysis.sizing import SizingResult, size
from mlsd.diff import diff_designs
from mlsd.model import Design

MEMO_KEY = "sizing.result"
RUN_KEY = "board.size.run"
APPLY_KEY = "board.size.apply"
BINDING = {"capacity": "carries peak × (1 + headroom)", "sla": "SLA at peak × (1 + headroom)",
           "zone": "survives a zone loss", "floor": "one replica (the least)", "kept": "autoscaling ceiling, kept"}
log = logging.getLogger(__name__)


def _run(design: Design, review: Review) -> None:
    bar = st.progress(0.0, text="Sizing…")

    def progress(done: float, message: str) -> None:
        bar.progress(min(max(float(done), 0.0), 1.0), text=message or f"Sizing… {done:.0%}")

    try:
        result = size(design, review.analysis, progress=progress)
        diff = diff_designs(result.before, result.after, report_a=review.report)
    except Exception as exc:  # shown, not swallowed
        log.exception("sizing failed")
        bar.empty()
        st.error(f"Sizing stopped with an error: {plain(type(exc).__name__)}: {plain(str(exc))}",
                 icon=":material/error:")
        return
    bar.empty()
    review.memo[MEMO_KEY] = (result, diff.lines())


def apply_sized(result: SizingResult) -> bool:
    """Make the sized design the current one (one undoable step); False when the design has changed since."""
    if bs.design() != result.before:
        bs.flash("warning", "The design changed since it was sized: run Size it again.")
        return False
    if bs.commit(result.after):
        delta = result.cost_after - result.cost_before
        bs.flash("success", f"Sized: {len(result.changes)} tiers changed, ${abs(delta):,.0f}/month "
                            f"{'more' if delta > 0 else 'less'}. Undo brings the old replicas back.")
    return True


def show_sizing(design: Design, review: Review) -> None:
    """The size half of the tab: the button, then the last result for this design."""
    st.markdown("**Size it: the cheapest replicas that hold**")
    st.caption("Searches each tier's replicas (and batch size, shards and cache hit rate where the design declares "
               "how they behave) for the cheapest configuration that meets the SLA at peak × "
               f"{1 + design.requirements.headroom:g} with queueing, keeps every path alive after any single zone "
               "loss and fits the budget (the same models as the numbers). `python -m mlsd size` does the same.")
    if st.button("Size it", key=RUN_KEY, icon=":material/tune:", disabled=not design.components,
                 help="Runs the search (a few seconds on a large design); nothing changes until you apply."):
        _run(design, review)
    found: tuple[SizingResult, list[str]] | None = review.memo.get(MEMO_KEY)
    if found is None:
        return
    result, diff = found
    show_result(result, diff)


def show_result(result: SizingResult, diff: list[str]) -> None:
    """Cost before and after, the changes, the diff, what cannot be met, and Apply."""
    titles = {c.id: c.title for c in result.before.components}
    left, right = st.columns(2)
    left.metric("Monthly cost now", f"${result.cost_before:,.0f}")
    right.metric("Sized", f"${result.cost_after:,.0f}", delta=f"{result.cost_after - result.cost_before:+,.0f} $",
                 delta_color="inverse")
    if result.changes:
        rows: list[dict[str, Any]] = [{"tier": titles.get(c.block, c.block), "prop": c.prop, "now": c.old,
                                       "sized": c.new, "one fewer breaks": BINDING.get(c.binding, c.binding)}
                                      for c in result.changes]
        st.dataframe(rows, hide_index=True)
    else:
        st.success("Every tier is already at its cheapest.", icon=":material/check_circle:")
    for block, old, new in result.hit_rates:
        st.caption(f"{plain(titles.get(block, block))}: hit rate {old:g} → {new:g} (its declared achievable hit rate)")
    for block, old, new in result.batches:
        st.caption(f"{plain(titles.get(block, block))}: batch size {old} → {new} (its batch cost model)")
    for block, old, new in result.shards:
        st.caption(f"{plain(titles.get(block, block))}: shards {old} → {new} (to hold its data in memory)")
    for s in result.shortfalls:
        st.warning(f"Cannot be met — {s.constraint}: {plain(s.message)}", icon=":material/warning:")
    if diff:
        with st.expander(f"Diff ({len(diff)} lines)"):
            st.code("\n".join(diff), language=None)
    applied = result.changed and st.button("Apply", key=APPLY_KEY, type="primary", icon=":material/done:",
                                           help="Make the sized design the current one; Undo takes it back.")
    if applied and apply_sized(result):
        st.rerun()
