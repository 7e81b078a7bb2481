"""A saved design shown read-only (a Streamlit UI piece): the shared view of a share link, and a revision opened on
the history page.

The design is drawn by ``components.common.design_view`` (figures, the read-only canvas, requirements, blocks,
notes); this module adds what a reviewer needs besides: every finding with its fix, the accepted ones (waivers)
with their reasons, the numbers (request paths' p99 against the SLA, capacity per tier, monthly cost), and the
numbers under load (the p99 against load with its knee, and what every single failure does:
``components.board.load``); on a link made with "show comments", the review threads (read-only, placed on the
shared revision by ``mlsd.comments``, with badges on the canvas).

Nothing here writes to the library except "Copy to my library", which creates a new
design. User text goes through ``markup.plain`` or into tables, which show it as text.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.board.load.view import show_load_readonly
from components.common.comment_view import show_threads_readonly
from components.common.design_view import figures_of, show_design
from components.common.markup import plain, plural
from components.common.store import store
from components.library.state import LibKey, failed, flash, state
from mlsd.analysis import Analysis
from mlsd.comments import PlacedThread, badge_counts, place
from mlsd.edit import rename
from mlsd.io import DesignError
from mlsd.model import MAX_NAME, Design
from mlsd.rules import CATEGORIES, Report, check
from mlsd.store import SharedDesign, ShareExpired, ShareNotFound, ShareRevoked, StoreError

SEVERITY_ICON = {"error": "⛔", "warning": "⚠️", "info": "ℹ️"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
NOT_FOUND = ("This share link does not exist or is no longer valid. Ask the person who shared it for a new link.")
EXPIRED = "This link has expired. Ask the person who shared it for a new link."
REVOKED = "This link was revoked by the person who shared it. Ask them for a new link if you still need it."
MAX_COST_ROWS = 10
APP_HOME = "./"  # the app's home page, relative to a share link's address (``<app>/?share=TOKEN``)


def _titles(design: Design) -> dict[str, str]:
    return {c.id: c.title for c in design.components}


def finding_lines(report: Report) -> tuple[list[str], list[str]]:
    """Markdown of the open findings (worst first) and of the accepted ones with their reasons."""
    titles = _titles(report.design)

    def where(ids: tuple[str, ...]) -> str:
        names = [plain(titles.get(i, i)) for i in ids]
        if not names:
            return ""
        return "  \n*On:* " + ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")

    active = sorted(report.active, key=lambda f: (SEVERITY_ORDER[f.severity], f.rule))
    open_lines = [
        f"{SEVERITY_ICON[f.severity]} **{plain(f.title)}** `{f.rule}` · {CATEGORIES.get(f.category, f.category)}  \n"
        f"{plain(f.message)}  \n*Fix:* {plain(f.fix)}{where(f.components)}"
        for f in active
    ]
    accepted = [
        f"✅ ~~{plain(f.title)}~~ `{f.rule}` ({f.severity})  \n*Accepted because:* {plain(f.waiver_reason or '')}"
        f"{where(f.components)}"
        for f in report.findings if f.waived
    ]
    return open_lines, accepted


def show_findings(report: Report) -> None:
    """Counts, open findings and accepted findings (with the reason each was accepted)."""
    s = report.summary()
    st.markdown(f"**⛔ {s['error']}** {'error' if s['error'] == 1 else 'errors'} · **⚠️ {s['warning']}** "
                f"{'warning' if s['warning'] == 1 else 'warnings'} · **ℹ️ {s['info']}** info · "
                f"**✅ {s['waived']}** accepted")
    if s["rules_error"]:
        st.error(f"{plural(s['rules_error'], 'checklist rule')} crashed on this design.")
    open_lines, accepted = finding_lines(report)
    if not open_lines:
        st.success("No open findings: every applicable checklist rule passes or is accepted.")
    for line in open_lines:
        with st.container(border=True):
            st.markdown(line)
    if accepted:
        st.markdown(f"**Accepted risks ({len(accepted)})** — findings the author accepted, with the reason:")
        for line in accepted:
            with st.container(border=True):
                st.markdown(line)


def path_rows(design: Design, analysis: Analysis) -> list[dict[str, Any]]:
    """One row per request path: its entry, size, p99 (at peak with queueing, at light load, declared sum) and the
    SLA verdict."""
    titles = _titles(design)
    rows = []
    for p in sorted(analysis.paths, key=lambda p: -p.p99_sum_ms):
        verdict = "no SLA set" if p.sla_ms is None else ("over the SLA" if p.over_sla else "within the SLA")
        if p.saturated:
            verdict = "saturated at peak"
        rows.append({"Entry": titles.get(p.entry, p.entry), "Blocks": len(p.blocks),
                     "p99 at peak (ms)": None if p.p99_ms is None else round(p.p99_ms, 1),
                     "p99 at light load (ms)": round(p.light_p99_ms, 1),
                     "Declared p99 sum (ms)": round(p.p99_sum_ms, 1),
                     "SLA (ms)": p.sla_ms, "Verdict": verdict})
    return rows


def capacity_rows(design: Design, analysis: Analysis) -> list[dict[str, Any]]:
    """One row per block on a request path: peak load, replicas, capacity and headroom."""
    titles = _titles(design)
    return [
        {"Block": titles.get(t.block, t.block), "Peak QPS": round(t.peak_qps, 1), "Replicas": t.replicas,
         "Can reach": t.reach_replicas if t.max_replicas is not None else None,
         "Capacity QPS": None if t.capacity_qps is None else round(t.capacity_qps, 1),
         "Headroom": "scales (managed)" if t.scales_with_load else None if t.headroom is None
         else f"{t.headroom:.0%}", "Replicas needed": t.needed_replicas}
        for t in analysis.capacity.values()
    ]


def show_numbers(design: Design, analysis: Analysis) -> None:
    """Request paths against the SLA, capacity per tier, and the monthly cost."""
    paths = path_rows(design, analysis)
    st.markdown("**Request paths** (p99 latency against the SLA)")
    if paths:
        st.dataframe(paths, hide_index=True, width="stretch")
    else:
        st.caption("No request path: no block calls another with a request connection.")
    capacity = capacity_rows(design, analysis)
    st.markdown(f"**Capacity** (required headroom above peak: {design.requirements.headroom:.0%})")
    if capacity:
        st.dataframe(capacity, hide_index=True, width="stretch")
    else:
        st.caption("No block on a request path.")
    st.markdown(f"**Monthly cost: ${analysis.cost_per_month:,.0f}**")
    titles = _titles(design)
    lines = sorted(analysis.cost, key=lambda c: -c.total)[:MAX_COST_ROWS]
    if lines:
        st.dataframe([{"Block": titles.get(c.block, c.block), "Compute ($/month)": round(c.compute_per_month),
                       "Storage ($/month)": round(c.storage_per_month), "Total ($/month)": round(c.total)}
                      for c in lines], hide_index=True, width="stretch")
        if len(analysis.cost) > MAX_COST_ROWS:
            st.caption(f"The {MAX_COST_ROWS} most expensive of {len(analysis.cost)} blocks with a cost.")


SHARED_THREADS_NOTE = ("on the shared revision. Read-only: comments are written on the Board by people who can "
                       "edit the design.")


def show_readonly(design: Design, key: str = "readonly.canvas", threads: list[PlacedThread] | None = None,
                  threads_note: str = SHARED_THREADS_NOTE) -> None:
    """A design with its figures, picture (the read-only canvas, under ``key``), requirements, notes, findings
    and numbers, and the review ``threads`` when given (after their counts, ``threads_note``: where they are and
    why they cannot be answered here); nothing can be edited."""
    report = check(design)
    show_design(design, figures_of(design), key=key,
                comments=badge_counts(threads) if threads is not None else None)
    if threads is not None:
        st.subheader("Review comments", anchor=False)
        open_count = sum(1 for t in threads if t.open)
        st.caption(f"{plural(open_count, 'open thread')}, {len(threads) - open_count} resolved, {threads_note}")
        show_threads_readonly(threads)
    st.subheader("Findings", anchor=False)
    show_findings(report)
    st.subheader("Numbers", anchor=False)
    show_numbers(design, report.context.analysis)
    st.subheader("Under load and failures", anchor=False)
    show_load_readonly(design, report.context.analysis)


# -- the shared view ----------------------------------------------------------------------------------------


def _copy_name(name: str) -> str:
    suffix = " (copy)"
    return name[: MAX_NAME - len(suffix)] + suffix


def _on_copy(token: str) -> None:
    try:
        shared = store().open_share(token)  # again: the link may have been revoked since the page was drawn
        design = rename(shared.design, _copy_name(shared.design.name))
        info = store().create(design, message=f"copied from a share link (revision {shared.revision})")
    except ShareNotFound:
        return  # the page opens the link again and shows only that it no longer works
    except StoreError as exc:
        failed("Not copied", exc)
        return
    except DesignError as exc:
        flash("error", "Not copied: " + "; ".join(exc.problems))
        return
    st.session_state[LibKey.SHARED_COPY.value] = (token, info.design_id, design.name)
    flash("success", f"Copied to your library as {design.name!r}.")


def show_not_found(exc: ShareNotFound | None = None) -> None:
    """The one thing a link that does not open shows: expired, revoked, or (unknown, trashed) no longer valid."""
    if isinstance(exc, ShareExpired):
        st.error(EXPIRED, icon=":material/timer_off:")
    elif isinstance(exc, ShareRevoked):
        st.error(REVOKED, icon=":material/link_off:")
    else:
        st.error(NOT_FOUND, icon=":material/link_off:")


def shared_threads(token: str, shared: SharedDesign) -> list[PlacedThread] | None:
    """The review threads a link made with "show comments" shows, placed on its revision; None otherwise."""
    if not shared.show_comments:
        return None
    try:
        threads = store().share_threads(token)
    except StoreError as exc:
        st.warning(f"The review comments cannot be shown: {plain(str(exc))}", icon=":material/comments_disabled:")
        return None
    raised = {f.id: f.title for f in check(shared.design).active}
    return place(threads, shared.design, shared.revision, raised)


def show_shared(token: str, shared: SharedDesign) -> None:
    """The read-only view of a shared design, with "Copy to my library"."""
    which = f"revision {shared.revision} (pinned)" if shared.pinned else f"latest revision ({shared.revision})"
    info_col, copy_col = st.columns([3, 1], vertical_alignment="center")
    info_col.info(f"**Read-only shared design** · {which} · saved {shared.created_at[:16].replace('T', ' ')} UTC. "
                  "You can look at everything; to change it, copy it to your library.", icon=":material/lock:")
    copy_col.button("Copy to my library", key="shared.copy", on_click=_on_copy, args=(token,), type="primary",
                    icon=":material/library_add:", width="stretch",
                    help="Adds a copy of this revision to your library as a new design; the original stays as is.")
    copy_col.link_button("Open MLSD Whiteboard", APP_HOME, icon=":material/home:", width="stretch", type="tertiary",
                         help="The app itself: draw your own design, open your library, practise.")
    copied = state(LibKey.SHARED_COPY)
    if copied and copied[0] == token:
        st.success(f"Copied to your library as **{plain(copied[2])}**. [Open your library](./library) to edit it "
                   "on the Board.", icon=":material/check_circle:")
    show_readonly(shared.design, key="shared.canvas", threads=shared_threads(token, shared))
