"""Helpers for the three-way merge tests (test_merge_*.py): the base design both sides edit
(``base``), a block by id, and checks on a merge (``clean``: no conflict, ``only``: exactly one) and picks for
every conflict."""

from __future__ import annotations

from mlsd.merge import Conflict, Merge
from mlsd.model import Component, Design
from tests.conftest import design_of


def base() -> Design:
    return design_of(
        [
            {"id": "client", "kind": "client", "label": "App", "position": {"x": 0, "y": 0}},
            {"id": "gw", "kind": "api_gateway", "label": "Gateway", "props": {"p99_ms": 5, "replicas": 3},
             "position": {"x": 200, "y": 0}},
            {"id": "inf", "kind": "online_inference", "label": "Ranker", "props": {"p99_ms": 40},
             "position": {"x": 400, "y": 0}},
        ],
        [
            {"id": "c1", "source": "client", "target": "gw", "flow": "request"},
            {"id": "c2", "source": "gw", "target": "inf", "flow": "request"},
        ],
        name="Ranking", requirements={"sla_p99_ms": 200, "peak_qps": 1000}, notes="first notes",
    )


def block(d: Design, bid: str) -> Component:
    return d.by_id()[bid]


def clean(merge: Merge) -> Design:
    assert merge.clean, [(c.key, c.detail) for c in merge.conflicts]
    assert merge.design is not None
    return merge.design


def only(merge: Merge) -> Conflict:
    assert len(merge.conflicts) == 1, [c.key for c in merge.conflicts]
    return merge.conflicts[0]


def picks(merge: Merge, pick: str) -> dict[str, str]:
    return {c.key: pick for c in merge.conflicts}
