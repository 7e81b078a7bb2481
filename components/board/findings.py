"""The findings panel (a Streamlit UI piece): what the checklists say about the design, live.

Severity counts on top, then checks passed beside the weakest checklist and how many checks of each checklist
pass, then the next steps while the design is young (``components.board.next_steps``); findings grouped by
checklist category (the first with an error open, at most ``SHOWN_PER_CATEGORY`` drawn until "Show all"), each
with its message and fix, a button that selects its block for the inspector, and "accept with reason" (a waiver
stored in the design). Accepted findings are listed and counted apart, with their reason, and can be withdrawn.
The texts are built once per design (kept in the board's ``Review``), so a rerun only draws them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from components.board import state as bs
from components.board.fixes import show_fix_button
from components.board.next_steps import show_next_steps
from components.common.markup import plain
from mlsd import edit
from mlsd.io import DesignError
from mlsd.rules import CATEGORIES, Finding, Report
from mlsd.start import is_started, next_steps

SEVERITY_ICON = {"error": "⛔", "warning": "⚠️", "info": "ℹ️"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def finding_key(f: Finding) -> str:
    """A short stable id of a finding, for widget keys (rule + blocks + connections + message)."""
    text = "|".join((f.rule, ",".join(f.components), ",".join(f.connections), f.message))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


FOCUS_KEY = "board.find.focus"  # the block whose findings the panel shows (its badge was clicked), or None
ACCEPTING_KEY = "board.find.accepting"  # finding_key of the finding whose "accept with reason" form is open
REASON_KEY = "board.find.reason"
SHOWN_PER_CATEGORY = 3  # what fits the panel's height; more are drawn on request ("Show all")


def focus_block(block_id: str | None) -> None:
    """Show only the findings on ``block_id`` (None: every finding) in the panel."""
    st.session_state[FOCUS_KEY] = block_id


def _show_all(flag: str) -> None:
    st.session_state[flag] = True


def _on_select(item: str) -> None:
    bs.select(item)


def _on_start_accept(key: str) -> None:
    st.session_state[ACCEPTING_KEY] = key
    st.session_state[REASON_KEY] = ""
    bs.clear_error(REASON_KEY)


def _on_cancel_accept() -> None:
    st.session_state[ACCEPTING_KEY] = None
    bs.clear_error(REASON_KEY)


def _on_accept(f: Finding) -> None:
    reason = str(st.session_state.get(REASON_KEY) or "").strip()
    if not reason:
        bs.set_error(REASON_KEY, ["Write why this risk is accepted: the reason is shown wherever the finding is."])
        return
    try:
        new = edit.add_waiver(bs.design(), f.rule, f.components, reason)
    except DesignError as exc:
        bs.set_error(REASON_KEY, exc.problems)
        return
    st.session_state[ACCEPTING_KEY] = None
    bs.commit(new)
    bs.flash("success", f"Accepted {f.rule} with a reason; it is listed under 'Accepted'.")


def _on_unwaive(f: Finding) -> None:
    try:
        new = edit.remove_waiver(bs.design(), f.rule, f.components)
    except DesignError as exc:
        bs.flash("error", "; ".join(exc.problems))
        return
    bs.commit(new)
    bs.flash("info", f"{f.rule} is no longer accepted.")


def _where(f: Finding, titles: dict[str, str]) -> str:
    names = [titles[b] for b in f.components if b in titles]
    if not names:
        return ""
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return f"  \n*On:* {shown}"


@dataclass(frozen=True)
class Card:
    """One open finding as the panel draws it: its widget key and its text (built once per design)."""

    finding: Finding
    key: str
    text: str


def card(f: Finding, titles: dict[str, str]) -> Card:
    return Card(f, finding_key(f), f"{SEVERITY_ICON[f.severity]} **{plain(f.title)}** `{f.rule}`  \n"
                                   f"{plain(f.message)}  \n*Fix:* {plain(f.fix)}{_where(f, titles)}")


def _show_finding(item: Card) -> None:
    f, key = item.finding, item.key
    with st.container(border=True):
        st.markdown(item.text)
        if st.session_state.get(ACCEPTING_KEY) == key:
            st.text_input("Why is this acceptable?", key=REASON_KEY, max_chars=2000,
                          placeholder="e.g. single region by policy until Q3",
                          help="Shown with the finding wherever it appears; at most 2,000 characters.")
            for problem in bs.error_of(REASON_KEY):
                st.error(plain(problem))
            with st.container(horizontal=True):
                st.button("Accept with this reason", key=f"board.find.ok.{key}", on_click=_on_accept, args=(f,),
                          type="primary", help="The finding moves to 'Accepted'; it still counts there.")
                st.button("Cancel", key=f"board.find.cancel.{key}", on_click=_on_cancel_accept, type="tertiary")
            return
        target = f.components[0] if f.components else (f.connections[0] if f.connections else None)
        with st.container(horizontal=True):
            if target is not None:
                st.button("Select", key=f"board.find.sel.{key}", icon=":material/my_location:", on_click=_on_select,
                          args=(target,), help="Highlight its block on the canvas (edit it in the Inspector tab).")
            st.button("Accept…", key=f"board.find.accept.{key}", icon=":material/task_alt:",
                      on_click=_on_start_accept, args=(key,),
                      help="Accept this risk with a reason (a waiver saved in the design).")
            show_fix_button(f)


def _show_block(block_id: str, found: list[Card], titles: dict[str, str]) -> None:
    """The findings on one block (its badge on the canvas was clicked), and the way back to all of them."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(f"**Findings on {titles[block_id]}** ({len(found)})", width="stretch")
        st.button("All findings", key="board.find.focus.clear", on_click=focus_block, args=(None,),
                  icon=":material/list:", type="tertiary", help="Show the findings of the whole design again.")
    if not found:
        st.success("No open findings on this block.")
    for item in found:
        _show_finding(item)


def _cards(report: Report, titles: dict[str, str]) -> list[Card]:
    """The open findings, worst first (then by rule), as cards."""
    return [card(f, titles) for f in sorted(report.active, key=lambda f: (SEVERITY_ORDER[f.severity], f.rule))]


SHORT_LABELS = {"sla": "SLA", "scalability": "Capacity", "reliability": "Reliability", "privacy": "Privacy",
                "data": "Data", "training": "Training", "serving": "Serving", "monitoring": "Monitoring",
                "structure": "Structure"}


def counts_line(summary: dict[str, int]) -> str:
    """``⛔ 1 error · ⚠️ 2 warnings · ℹ️ 3 info · ✅ 0 accepted`` (numbers in bold, plurals right)."""
    return (f"⛔ **{summary['error']}** {'error' if summary['error'] == 1 else 'errors'} · "
            f"⚠️ **{summary['warning']}** {'warning' if summary['warning'] == 1 else 'warnings'} · "
            f"ℹ️ **{summary['info']}** info · ✅ **{summary['waived']}** accepted")


def readiness_text(report: Report) -> tuple[str, str] | None:
    """The score line and the progress per checklist, or None when no rule applies:
    (``Checks passed 62/100 · weakest: Monitoring 20/100``, ``SLA 5/7 · Capacity 9/12 · …``); the weakest
    checklists (every one at the lowest score) are named when they score below another one, and are in bold in
    the second line."""
    score = report.score()
    overall, weakest, categories = score.get("overall"), score.get("weakest"), score.get("categories")
    if not isinstance(overall, int) or not isinstance(categories, dict):
        return None
    head = f"Checks passed {overall}/100"
    scored = {c: v for c, v in categories.items() if isinstance(v, int)}
    lowest = scored.get(weakest) if isinstance(weakest, str) else None
    behind = [c for c, v in scored.items() if v == lowest] if lowest is not None and lowest < max(
        scored.values()) else []  # the checklists that lag the others (ties all named)
    if behind:
        head += f" · weakest: {', '.join(SHORT_LABELS[c] for c in behind)} {lowest}/100"
    parts = []
    for category, (passing, applicable) in report.progress().items():
        part = f"{SHORT_LABELS[category]} {passing}/{applicable}"
        parts.append(f"**{part}**" if category in behind else part)
    return head, " · ".join(parts)


def show_readiness(report: Report, shown: tuple[str, str] | None) -> None:
    """Checks passed (severity-weighted, 0-100) beside the weakest checklist, and passing checks per checklist
    (``shown``: the ``readiness_text`` of ``report``)."""
    if shown is None:
        return
    head, per_checklist = shown
    overall = report.score()["overall"]
    st.progress(int(overall) / 100 if isinstance(overall, int) else 0.0, text=head)
    st.caption(f"Checks passing per checklist: {per_checklist}", help=(
        "Checks passed weighs each applicable check by its severity (error 3, warning 2, info 1); the weakest "
        "checklist is the one with the lowest such score. Below it, how many of each checklist's applicable "
        "checks pass; a check whose findings are all accepted passes."))


def show_findings(report: Report) -> None:
    """The panel: next steps while the design is young, counts and checks passed, then the findings by
    category (a category's findings are drawn only while it is open; the first with an error opens by itself
    once the design is started, ``mlsd.start.is_started``)."""
    design = bs.design()
    if not design.components:
        show_next_steps(next_steps(design))
        st.caption("Findings appear here as you draw: the checklists review the design after every change.")
        return
    review = bs.review()
    show_next_steps(review.get("find.steps", lambda: next_steps(design)))
    st.markdown(review.get("find.counts", lambda: counts_line(report.summary())),
                help="Errors break a requirement or a hard rule; warnings are risks worth fixing before launch; "
                     "info are suggestions. Accepted findings (waivers, with a reason) are counted apart.")
    show_readiness(report, review.get("find.readiness", lambda: readiness_text(report)))
    s = report.summary()
    if s["rules_error"]:
        st.error(f"{s['rules_error']} checklist rule crashed on this design; it is listed as an error below."
                 if s["rules_error"] == 1 else
                 f"{s['rules_error']} checklist rules crashed on this design; they are listed as errors below.")
    titles = review.get("find.titles", lambda: {c.id: plain(c.title) for c in design.components})
    cards = review.get("find.cards", lambda: _cards(report, titles))
    focus = st.session_state.get(FOCUS_KEY)
    if focus in titles:
        _show_block(focus, [c for c in cards if focus in c.finding.components], titles)
        return
    if not cards:
        st.success("No open findings: every applicable checklist rule passes (or is accepted).")
    by_category: dict[str, list[Card]] = {}
    for item in cards:
        by_category.setdefault(item.finding.category, []).append(item)
    first_error = next((c for c in CATEGORIES if by_category.get(c) and
                        by_category[c][0].finding.severity == "error"), None) if is_started(design) else None
    for category, label in CATEGORIES.items():
        found = by_category.get(category)
        if not found:
            continue
        worst = found[0].finding.severity  # cards are sorted worst first
        box = st.expander(f"{SEVERITY_ICON[worst]} {label} ({len(found)})", expanded=category == first_error,
                          key=f"board.find.cat.{category}", on_change="rerun")
        if box.open:
            with box:
                show_all = f"board.find.all.{category}"
                limit = len(found) if st.session_state.get(show_all) else SHOWN_PER_CATEGORY
                for item in found[:limit]:
                    _show_finding(item)
                if len(found) > limit:
                    st.button(f"Show all {len(found)}", key=f"board.find.more.{category}", on_click=_show_all,
                              args=(show_all,), type="tertiary", help="Draw every finding of this checklist.")
    waived = [f for f in report.findings if f.waived]
    if waived:
        box = st.expander(f"✅ Accepted ({len(waived)})", key="board.find.cat.accepted", on_change="rerun")
        if box.open:
            with box:
                for f in waived:
                    with st.container(border=True):
                        head = f"{SEVERITY_ICON[f.severity]} ~~{plain(f.title)}~~ `{f.rule}`"
                        st.markdown(f"{head}{_where(f, titles)}  \n"
                                    f"*Accepted because:* {plain(f.waiver_reason or '')}")
                        st.button("Withdraw acceptance", key=f"board.find.unwaive.{finding_key(f)}",
                                  on_click=_on_unwaive, args=(f,), icon=":material/undo:",
                                  help="The finding becomes open again.")
