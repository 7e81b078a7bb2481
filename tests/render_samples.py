"""Designs for the rendering tests (test_render_*.py): one whose every label is hostile
(``hostile_design``), a chain of blocks (``chain``) and a large layered DAG (``big_design``)."""

from __future__ import annotations

from mlsd.catalog import KINDS
from mlsd.model import Design
from tests.conftest import design_of

HOSTILE = [
    "<script>alert(1)</script>",
    '"quotes"',
    "{braces}",
    "a\nnewline",
    "back\\slash\\",
    "\\N \\G \\l",
    '"]; evil [',
    "--> x",
    "\u202eevil right-to-left",
    "cr\r\nlf\rend",
    "esc\x1b[31m red",
    "#quot; &amp; %% x",
    "`tick` |pipe| *b*",
    'n1 [label="pwned"]',
    "end",
    "a\u2028b",
]
KIND_CYCLE = ["client", "api_gateway", "online_inference", "cache", "kv_store", "message_queue",
              "stream_processor", "batch_etl", "drift_detector", "labeling", "gbdt", "reranker", "anonymizer",
              "data_lake", "hdfs", "cdn"]
FLOWS = ["request", "stream", "batch", "feedback"]


def hostile_design() -> Design:
    comps = [{"id": f"b{i}", "kind": KIND_CYCLE[i % len(KIND_CYCLE)], "label": label}
             for i, label in enumerate(HOSTILE)]
    conns = [{"id": f"c{i}", "source": f"b{i}", "target": f"b{i + 1}", "flow": FLOWS[i % 4],
              "label": HOSTILE[-1 - i]} for i in range(len(HOSTILE) - 1)]
    return design_of(comps, conns, name='Evil "name" \\N <b>x</b>', description="desc <i>x</i> | pipe\nline",
                     notes="# Notes\n<script>alert(1)</script>\n**bold**",
                     waivers=[{"rule": "X-1", "components": ["b0"], "reason": "because <b>|</b>"}])


def chain(n: int, flow: str = "request") -> Design:
    comps = [{"id": f"s{i}", "kind": "online_inference", "label": f"step {i}"} for i in range(n)]
    conns = [{"id": f"e{i}", "source": f"s{i}", "target": f"s{i + 1}", "flow": flow} for i in range(n - 1)]
    return design_of(comps, conns)


def big_design(n: int) -> Design:
    """n blocks in 10 rows of layers, each block feeding two blocks of the next layer (a DAG)."""
    kinds = list(KINDS)
    comps = [{"id": f"k{i}", "kind": kinds[i % len(kinds)], "label": f"block {i}"} for i in range(n)]
    conns = []
    width = 10
    for i in range(n - width):
        for j in (i + width, i + width + (1 if (i + 1) % width else -1)):
            if j < n:
                conns.append({"id": f"e{len(conns)}", "source": f"k{i}", "target": f"k{j}",
                              "flow": FLOWS[len(conns) % 3]})
    return design_of(comps, conns)
