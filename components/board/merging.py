"""Saving over someone else's save (a Streamlit UI piece): the Board's three-way merge and its conflict picker.

When Save finds that the design moved on in the library since the board's revision (``mlsd.store.ConflictError``),
``save_merging`` loads that base revision and the latest one and merges them with the board's design
(``mlsd.merge.three_way``). A clean merge is saved on top of the latest revision at once, with a revision
message and a toast that say what was merged from which revision and author; the canvas then shows the merged
design (undo goes back to the board's design before the merge). Conflicts open the side panel on them
(``show_merge_panel``): per conflict, mine | theirs side by side with a radio to pick (none picked at first);
Save stays disabled until every conflict has a pick; Cancel closes the picker and leaves the board's design as it
was, unsaved. The merge is worked out again from the board's design on each run, so an edit made while the
picker is open is merged too; picks are kept per conflict.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.board import state as bs
from components.common.markup import plain, plural
from components.common.people import person_name
from components.common.store import store
from mlsd.merge import Conflict, Merge, MergeError, resolve, three_way
from mlsd.model import Design
from mlsd.store import ConflictError, StoreError

CONFLICT_KEY = "board.lib.conflict"  # the merge waiting for picks (a MergeState), or None
CACHE_KEY = "board.merge.cache"  # (board rev, latest revision, the Merge)
ERRORS_KEY = "board.merge.errors"  # what resolve said about the last picks
PICK_PREFIX = "board.merge.pick"
MAX_TRIES = 3
LABELS = {"mine": "Mine", "theirs": "Theirs", "both": "Keep both"}


@dataclass(frozen=True)
class MergeState:
    """A merge of the board's design (based on revision ``base``) with revision ``latest``, waiting for picks."""

    design_id: str
    base: int
    latest: int
    author: str | None
    base_design: Design
    theirs: Design

    def by(self) -> str:
        return f"revision {self.latest}" + (f" by {person_name(self.author)}" if self.author else "")


def pending_merge() -> MergeState | None:
    """The merge waiting for picks, when it still belongs to the board's design and revision."""
    value = st.session_state.get(CONFLICT_KEY)
    doc = bs.doc()
    if isinstance(value, MergeState) and doc is not None and (doc.design_id, doc.revision) == (value.design_id,
                                                                                              value.base):
        return value
    return None


def current_merge(state: MergeState) -> Merge:
    """The merge of the board's design as it is now (worked out once per change of the design)."""
    cached = st.session_state.get(CACHE_KEY)
    if cached is not None and cached[:2] == (bs.rev(), state.latest):
        found: Merge = cached[2]
        return found
    merge = three_way(state.base_design, bs.design(), state.theirs)
    st.session_state[CACHE_KEY] = (bs.rev(), state.latest, merge)
    return merge


def pick_key(state: MergeState, conflict: Conflict) -> str:
    return f"{PICK_PREFIX}.{state.latest}.{conflict.key}"


def _clear() -> None:
    st.session_state[CONFLICT_KEY] = None
    st.session_state[CACHE_KEY] = None
    st.session_state[ERRORS_KEY] = []


def _saved(design: Design, design_id: str, number: int, said: str) -> None:
    bs.commit(design)
    bs.mark_saved(bs.LibraryDoc(design_id, number, design.name))
    _clear()
    bs.flash("success", said)


def save_merging(design_id: str, base: int, design: Design) -> None:
    """Save ``design`` (made from revision ``base``) over the revisions saved since: merge, then save the merge
    on top of the latest revision, or open the conflict picker."""
    for _ in range(MAX_TRIES):
        try:
            base_rev = store().open(design_id, base)
            latest = store().open(design_id)
        except StoreError as exc:
            bs.flash("error", f"Not saved: {exc}")
            return
        merge = three_way(base_rev.design, design, latest.design)
        state = MergeState(design_id, base, latest.number, latest.author, base_rev.design, latest.design)
        if merge.design is None:
            _clear()
            st.session_state[CONFLICT_KEY] = state
            st.session_state[bs.BoardKey.PANEL_OPEN.value] = True
            bs.flash("info", f"Someone saved {state.by()} meanwhile: pick mine or theirs for "
                             f"{plural(len(merge.conflicts), 'conflict')} in the side panel, then save.")
            return
        said = merge.summary(latest.number, person_name(latest.author))  # a message names people, as pages do
        try:
            info = store().save(design_id, merge.design, base_revision=latest.number,
                                message=f"saved from the board; {said.replace('of yours', 'from the board')}")
        except ConflictError:
            continue  # they saved again in between: merge with that revision too
        except StoreError as exc:
            bs.flash("error", f"Not saved: {exc}")
            return
        notes = "".join(f" Note: {note}." for note in merge.overridden)
        said = f"Merged {plural(len(merge.from_theirs), 'change')} from {state.by()} with yours"
        _saved(merge.design, design_id, info.number, f"{said}; saved as revision {info.number}.{notes}")
        return
    bs.flash("error", "Not saved: the design kept changing in the library while merging; save again.")


def _on_save_merged() -> None:
    state = pending_merge()
    if state is None:
        return
    merge = current_merge(state)
    picks = {c.key: str(st.session_state.get(pick_key(state, c)) or "") for c in merge.conflicts}
    try:
        merged = resolve(merge, picks)
    except MergeError as exc:
        st.session_state[ERRORS_KEY] = exc.problems
        return
    mine = sum(p == "mine" for p in picks.values())
    said = (f"{merge.summary(state.latest, person_name(state.author))}; {plural(len(picks), 'conflict')} picked "
            f"({mine} mine)")
    try:
        info = store().save(state.design_id, merged, base_revision=state.latest,
                            message=f"saved from the board; {said.replace('of yours', 'from the board')}")
    except ConflictError:  # they saved again: the merge is now the board's design, on top of their revision
        bs.commit(merged)
        bs.mark_based_on(bs.LibraryDoc(state.design_id, state.latest, merged.name))
        _clear()
        save_merging(state.design_id, state.latest, merged)
        return
    except StoreError as exc:
        bs.flash("error", f"Not saved: {exc}")
        return
    _saved(merged, state.design_id, info.number, f"Merged with {state.by()} and saved as revision {info.number}.")


def _on_cancel() -> None:
    _clear()
    bs.flash("info", "Merge cancelled: your design is on the board as it was, not saved.")


def _values(conflict: Conflict) -> None:
    mine, theirs = st.columns(2)
    for column, title, value in ((mine, "Mine", conflict.mine), (theirs, "Theirs", conflict.theirs)):
        with column:
            st.markdown(f"**{title}**")
            st.text(value)


def show_merge_panel(height: int) -> None:
    """The conflicts of the pending merge, mine | theirs, each with a pick; Save once all are picked; Cancel."""
    state = pending_merge()
    if state is None:
        return
    merge = current_merge(state)
    st.markdown(f"#### Merge with {plain(state.by())}")
    n = len(merge.conflicts)
    st.caption(f"Someone saved {plain(state.by())} after your revision {state.base}. Merged already: "
               f"{plural(len(merge.from_theirs), 'change')} of theirs and {plural(len(merge.from_mine), 'change')} "
               f"of yours. " + ("Pick a side for the conflict below." if n == 1 else
                                f"Pick a side for each of the {n} conflicts below." if n else ""))
    with st.container(height=height if n > 2 else "content", border=False):
        for conflict in merge.conflicts:
            with st.container(border=True):
                st.markdown(f"**{plain(conflict.anchor)}**")
                st.caption(plain(conflict.detail) + f" Before: {plain(conflict.base)}")
                _values(conflict)
                st.radio("Keep", conflict.options, index=None, key=pick_key(state, conflict), horizontal=True,
                         format_func=LABELS.__getitem__, help="Which version the saved design keeps.")
        if merge.clean:
            st.info("No conflicts left: your edits settled them. Save keeps everything.")
    left = sum(st.session_state.get(pick_key(state, c)) is None for c in merge.conflicts)
    for problem in st.session_state.get(ERRORS_KEY) or []:
        st.error(plain(problem))
    with st.container(horizontal=True):
        st.button("Save merged design", key="board.merge.save", type="primary", on_click=_on_save_merged,
                  disabled=left > 0, icon=":material/merge:",
                  help=f"Pick a side for {plural(left, 'more conflict')} first." if left else
                  "Save the merged design as the newest revision.")
        st.button("Cancel", key="board.merge.cancel", on_click=_on_cancel,
                  help="Close the merge; your design stays on the board as it is, not saved.")
    if left:
        st.caption(f"{plural(left, 'conflict')} left to pick.")
