"""Fixes on the Board (a Streamlit UI piece): the mechanical fixes the findings offer, previewed as a diff and
applied in one click, undone like any edit.

``show_fixes(review)`` draws a "Fixes" box at the top of the findings panel: "Apply the N safe fixes" (one edit,
one undo step), and each offer (safe, or a suggestion that needs judgement) with what it changes, a "Preview"
that shows the diff (``mlsd.diff``: blocks, props and connections changed, findings resolved and introduced) and
"Apply". ``show_fix_button(finding)`` is the same offer as one button beside a finding. The offers come from
``mlsd.fixes.offers`` on the current design's report, listed once per design (the review's memo) without making
any edit: an offer's edit, its one-line summary and its diff are computed when the offer is drawn (the box open,
or its finding shown), previewed or applied, then kept with the offer. An offer that, tried, turns out to have
nothing to change (a fix may only know by trying) says so instead of offering Apply.
"""

from __future__ import annotations

import streamlit as st

from components.board import state as bs
from components.board.fix_effect import Headline, change_text, headline
from components.common.markup import plain
from mlsd.diff import diff_designs
from mlsd.fixes import Offer, Proposal, apply_fixes
from mlsd.fixes import offers as list_offers
from mlsd.rules import Finding

PREVIEW_KEY = "board.fix.preview"  # offer_key of the offer whose diff is shown, or None
SHOWN = 12  # offers listed; the rest behind "Show all"
ALL_KEY = "board.fix.all"


NOTHING = "No change needed now: tried on the design as it is, this fix finds nothing to change."


def offer_key(o: Offer) -> str:
    """A stable key of an offer: the fix and the finding's stable id."""
    return f"{o.fix.id}|{o.finding.id}"


def offers(review: bs.Review) -> list[Offer]:
    """The fixes offered for the current design's open findings (listed once per design; no edit made)."""
    return review.get("fixes", lambda: list_offers(review.report))


def _find(key: str) -> Offer | None:
    return next((o for o in offers(bs.review()) if offer_key(o) == key), None)


def _headline() -> Headline:
    """The current design's headline numbers, from its review (cached: the review of the design a fix made is the
    one the next run draws the findings from, so applying a fix analyses the new design once)."""
    review = bs.review()
    return headline(review.report.design, review.analysis)


def _on_apply(key: str) -> None:
    o = _find(key)
    st.session_state[PREVIEW_KEY] = None
    p = o.proposal() if o is not None else None
    if p is None:
        bs.flash("warning", "That fix no longer applies: the design changed." if o is None else NOTHING)
        return
    before = _headline()
    if bs.commit(p.design):
        bs.flash("success", f"Fixed {p.finding.rule}: {p.summary}. {change_text(before, _headline())} "
                 "Undo takes it back.")


def _on_apply_safe() -> None:
    result = apply_fixes(bs.design())
    st.session_state[PREVIEW_KEY] = None
    before = _headline()
    if result.applied and bs.commit(result.design):
        bs.flash("success", f"Applied {len(result.applied)} safe fix{'es' if len(result.applied) != 1 else ''} "
                 f"({', '.join(p.finding.rule for p in result.applied)}). {change_text(before, _headline())} "
                 "Undo takes them all back.")


def _on_preview(key: str | None) -> None:
    st.session_state[PREVIEW_KEY] = key


def _preview(p: Proposal) -> None:
    """The offer's diff: what changes in the design, and the findings it resolves or introduces."""
    review = bs.review()
    diff = review.get(f"fix.diff.{p.fix.id}|{p.finding.id}",
                      lambda: diff_designs(review.report.design, p.design, report_a=review.report))
    lines = [x for x in diff.lines() if not x.startswith(("+ finding", "- finding"))]
    st.code("\n".join(lines) or "(no change)", language="diff", wrap_lines=True)
    if diff.findings_resolved:
        st.markdown("**Resolves:** " + ", ".join(f"`{f.rule}`" for f in diff.findings_resolved))
    if diff.findings_introduced:
        st.warning("Introduces: " + "; ".join(plain(f"{f.rule}: {f.message}") for f in diff.findings_introduced))


def _show_offer(o: Offer) -> None:
    key = offer_key(o)
    p = o.proposal()  # the edit is made here, when the offer is drawn (kept with the offer)
    with st.container(border=True):
        badge = ":green-badge[safe]" if o.safe else ":orange-badge[needs judgement]"
        if p is None:
            st.markdown(f"{badge} **{plain(o.fix.title)}** `{o.finding.rule}`  \n{NOTHING}")
            return
        st.markdown(f"{badge} **{plain(p.fix.title)}** `{p.finding.rule}`  \n{plain(p.summary)}")
        showing = st.session_state.get(PREVIEW_KEY) == key
        if showing:
            _preview(p)
        with st.container(horizontal=True):
            st.button("Apply", key=f"board.fix.apply.{key}", icon=":material/build:", on_click=_on_apply,
                      args=(key,), type="primary" if showing else "secondary",
                      help="Make this edit (Undo in the toolbar takes it back).")
            st.button("Hide diff" if showing else "Preview", key=f"board.fix.preview.{key}",
                      icon=":material/difference:", on_click=_on_preview, args=(None if showing else key,),
                      type="tertiary", help="Show what the fix changes before applying it.")


def show_fixes(review: bs.Review) -> None:
    """The "Fixes" box of the findings panel (nothing when no finding has a mechanical fix)."""
    found = offers(review)
    if not found:
        return
    safe = [o for o in found if o.safe]
    box = st.expander(f"🔧 Fixes for {len(found)} finding{'s' if len(found) != 1 else ''}", key="board.fix.box",
                      on_change="rerun", expanded=False)
    if not box.open:
        return
    with box:
        if safe:
            st.button(f"Apply the {len(safe)} safe fix{'es' if len(safe) != 1 else ''}", key="board.fix.safe",
                      icon=":material/auto_fix_high:", on_click=_on_apply_safe, type="primary",
                      help="Apply every fix that needs no judgement, as `validate --fix` does: one edit, one undo.")
        limit = len(found) if st.session_state.get(ALL_KEY) else SHOWN
        for o in found[:limit]:
            _show_offer(o)
        if len(found) > limit:
            st.button(f"Show all {len(found)}", key="board.fix.more", type="tertiary",
                      on_click=lambda: st.session_state.__setitem__(ALL_KEY, True))


def show_fix_button(finding: Finding) -> None:
    """A "Fix" button beside one finding when a fix is offered for it (applies the first that, tried, changes
    something; safe ones first). Only the drawn finding's offers are tried."""
    for o in offers(bs.review()):
        if o.finding == finding and (p := o.proposal()) is not None:
            st.button("Fix", key=f"board.fix.one.{offer_key(o)}", icon=":material/build:", on_click=_on_apply,
                      args=(offer_key(o),), help=f"{p.fix.title}: {p.summary} (Undo takes it back)")
            return
