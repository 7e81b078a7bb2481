"""A tiny Streamlit script that shows the whiteboard canvas alone, for the browser journeys and the benchmark.

It keeps one design in session state, applies each canvas event through ``components.whiteboard.apply`` and shows
the events received and the design's blocks and connections as text. Query parameters: ``ro=1`` draws read-only;
``n=N`` starts from a grid of N blocks (the benchmark) instead of the three-block design; ``bench=1`` also shows
when (wall clock) Python received the last event. A select box chooses a block "in Python" (as the Board's
inspector or a finding does), which the canvas then selects and brings into view.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from components.whiteboard import draw, pending_events  # noqa: E402
from components.whiteboard.apply import apply  # noqa: E402
from mlsd import edit  # noqa: E402
from mlsd.catalog import KINDS  # noqa: E402
from mlsd.io import DesignError  # noqa: E402
from mlsd.model import Design  # noqa: E402
from mlsd.rules import check  # noqa: E402

KEY = "canvas"


def small_design() -> Design:
    design = edit.new_design("Canvas test")
    design, _ = edit.add_block(design, "api_gateway", "Gateway", (40, 60), block_id="gw")
    design, _ = edit.add_block(design, "online_inference", "Ranker", (340, 60), block_id="ranker")
    design, _ = edit.add_block(design, "online_feature_store", "", (340, 260), block_id="features")
    design, _ = edit.connect(design, "gw", "ranker", "request", conn_id="c1")
    return design


def grid_design(n: int) -> Design:
    """N blocks in rows of 40 with a chain of N-1 request connections, validated once (adding them one edit at a
    time takes ~0.6 s at 1,000 blocks, which the benchmark would count as the canvas' opening time)."""
    kinds = ["api_gateway", "online_inference", "cache", "kv_store", "stream_processor"]
    data = edit.new_design(f"Grid of {n}").model_dump()
    data["components"] = [
        {"id": f"b{i}", "kind": kind, "label": f"b{i}", "props": dict(KINDS[kind].props),
         "position": {"x": (i % 40) * 220.0, "y": (i // 40) * 100.0}}
        for i, kind in ((i, kinds[i % len(kinds)]) for i in range(n))
    ]
    data["connections"] = [{"id": f"e{i}", "source": f"b{i - 1}", "target": f"b{i}", "flow": "request"}
                           for i in range(1, n)]
    return Design.model_validate(data)


st.set_page_config(page_title="Canvas test", layout="wide")
params = st.query_params
if "design" not in st.session_state:
    n = int(params.get("n", "0") or 0)
    st.session_state.design = grid_design(n) if n else small_design()
read_only = params.get("ro") == "1"

started = time.perf_counter()
events = pending_events(KEY)
if events:
    st.session_state.received_at = time.time()
log: list[dict[str, object]] = st.session_state.setdefault("log", [])
for event in events:
    try:
        st.session_state.design = apply(st.session_state.design, event).design
        log.append(event.model_dump())
    except DesignError as exc:
        log.append({"type": "refused", "event": event.type, "problems": exc.problems})

design: Design = st.session_state.design
if params.get("bench") == "1":
    st.text(f"received at: {st.session_state.get('received_at', 0.0):.4f}")
applied = time.perf_counter()
report = check(design)
checked = time.perf_counter()
picked = st.selectbox("Select in Python", ["", *(c.id for c in design.components)], key="picked")
draw(design, report.findings, key=KEY, read_only=read_only, height=560, selected=picked or None)
if params.get("bench") == "1":
    st.text(f"script: read+apply {1000 * (applied - started):.1f} ms, check {1000 * (checked - applied):.1f} ms, "
            f"draw {1000 * (time.perf_counter() - checked):.1f} ms")
st.text("events: " + json.dumps(log[-30:], sort_keys=True))
st.text("blocks: " + json.dumps({c.id: [c.kind, c.position.x, c.position.y] for c in design.components},
                                sort_keys=True))
st.text("connections: " + json.dumps({e.id: [e.source, e.target, e.flow, e.fallback] for e in design.connections},
                                     sort_keys=True))
