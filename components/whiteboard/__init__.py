"""The whiteboard canvas: our own Streamlit custom component (a UI piece) on React Flow.

It draws a design's blocks (``mlsd.model.Component``) and connections, and reports each user action once as a small
event (``protocol``); ``apply`` turns an event into an edit through ``mlsd.edit``. Sources live in ``frontend/``
at the repository root; ``npm run build --prefix frontend`` writes the whole bundle into ``static/index.html`` with
``static/stamp.json`` (a hash of the sources), and both are committed, so running the app needs no Node.

Why Components v1 (iframe) and not v2: in Streamlit 1.67 a v2 component loads its JavaScript either from a file
under an ``asset_dir`` that only an *installed* distribution with a ``[tool.streamlit.component]`` manifest can
declare (the app is run from a checkout, ``pip install -r requirements.txt && streamlit run app.py``, never
installed), or inline, in which case the ~430 KB bundle travels inside every element delta on every rerun. v1
serves the bundle once as a static file (``declare_component(path=...)``) that the browser caches, and the iframe
keeps React Flow's global CSS away from the page. The event-once semantics v2's ``setTriggerValue`` would give
are provided by the protocol instead: the canvas sends its unacknowledged events with their ids, Python handles
each id once and sends the last one back as ``ack``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st
import streamlit.components.v1 as components

from components.whiteboard.protocol import Event, Resync, props_and_sent, read_batch
from mlsd.model import Design

STATIC = Path(__file__).parent / "static"
_canvas = components.declare_component("mlsd_whiteboard", path=str(STATIC))


def _ack_key(key: str) -> str:
    return f"{key}__ack"


def _sent_key(key: str) -> str:
    return f"{key}__sent"  # the graph last sent (components.whiteboard.delta.Sent)


def _deltas_key(key: str) -> str:
    return f"{key}__deltas"  # whether this canvas applies changes


def _full_key(key: str) -> str:
    return f"{key}__full"  # the canvas asked for the whole graph (versions go on counting up)


def pending_events(key: str) -> list[Event]:
    """The canvas's new events, in order (each one once), read before drawing so that one run applies them and
    redraws. Call it at the top of the page, apply the events, then ``draw`` the edited design: no extra rerun.
    An event that is not well formed is dropped with a toast; it changes nothing.
    """
    raw = st.session_state.get(key)
    if raw is None or raw == st.session_state.get(f"{key}__raw"):
        return []
    st.session_state[f"{key}__raw"] = raw
    batch = read_batch(raw, st.session_state.get(_ack_key(key), ""))
    st.session_state[_ack_key(key)] = batch.ack
    for problem in batch.errors[:3]:
        st.toast(f"The canvas sent an event that was ignored: {problem}")
    if batch.have is not None:  # this canvas applies changes: from now on only they go down
        st.session_state[_deltas_key(key)] = True
    if any(isinstance(e, Resync) for e in batch.events):  # it could not apply them: the whole graph next
        st.session_state[_full_key(key)] = True
    return [e for e in batch.events if not isinstance(e, Resync)]


def draw(design: Design, findings: Iterable[Any] = (), *, key: str, read_only: bool = False,
         height: int = 640, selected: str | None = None, comments: Mapping[str, int] | None = None) -> None:
    """Draw ``design`` (and its findings badges) on the canvas; ``pending_events`` reads what the user did.
    ``selected``: a block or connection chosen outside the canvas, which the canvas selects and brings into view;
    ``comments``: open review threads per block or connection id (a comments badge on each)."""
    ack: str = st.session_state.get(_ack_key(key), "")
    props: dict[str, Any]
    props, sent = props_and_sent(design, findings, read_only=read_only, ack=ack, height=height, selected=selected,
                                 sent=st.session_state.get(_sent_key(key)),
                                 comments=comments, deltas=bool(st.session_state.get(_deltas_key(key)))
                                 and not st.session_state.pop(_full_key(key), False))
    st.session_state[_sent_key(key)] = sent
    _canvas(key=key, default=None, **props)


__all__ = ["STATIC", "draw", "pending_events"]
