"""Rendering SVG (mlsd.formats.svg): text nodes equal to the labels (short ones exact, long ones cut),
saved positions inside the viewBox, a layout for blocks without positions, the legend, flagged blocks bordered."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from mlsd.catalog import KINDS, color_of
from mlsd.formats.layout import auto_layout
from mlsd.formats.style import ERROR_COLOR
from mlsd.formats.svg import to_svg
from mlsd.rules import Finding
from mlsd.text import display_text, one_line, truncate
from tests.conftest import design_of
from tests.render_parsers import (
    SVG_NS,
    svg_blocks,
)
from tests.render_samples import hostile_design


def test_svg_parses_and_text_nodes_equal_the_labels():
    design = hostile_design()
    text = to_svg(design)
    root = ET.fromstring(text)
    assert not list(root.iter(f"{SVG_NS}script")) and not list(root.iter(f"{SVG_NS}foreignObject"))
    blocks = svg_blocks(text)
    assert len(blocks) == len(design.components)
    for g, c in zip(blocks, design.components, strict=True):
        assert g.findtext(f"{SVG_NS}title") == display_text(c.label)
        texts = {t.get("class"): t.text for t in g.iter(f"{SVG_NS}text")}
        assert texts["block-title"] == truncate(one_line(c.label), 24)
        assert texts["block-kind"] == KINDS[c.kind].label
        assert g.find(f"{SVG_NS}rect").get("fill") == color_of(c.kind)
    conns = [g for g in root.iter(f"{SVG_NS}g") if (g.get("class") or "").startswith("connection ")]
    assert len(conns) == len(design.connections)
    for g, e in zip(conns, design.connections, strict=True):
        assert f"flow-{e.flow}" in g.get("class", "")
        assert g.find(f"{SVG_NS}line").get("marker-end") == f"url(#mlsd-arrow-{e.flow})"


def test_svg_short_labels_are_exact_and_long_ones_cut_with_ellipsis():
    long = "A very long block label that cannot fit in one block"
    design = design_of([{"id": "a", "kind": "cache", "label": "<b>&amp;</b>"},
                        {"id": "b", "kind": "cache", "label": long, "position": {"x": 300, "y": 0}}])
    titles = [next(t for t in g.iter(f"{SVG_NS}text") if t.get("class") == "block-title").text
              for g in svg_blocks(to_svg(design))]
    assert titles[0] == "<b>&amp;</b>"
    assert titles[1].endswith("…") and len(titles[1]) <= 24 and long.startswith(titles[1][:-1])


def test_svg_uses_saved_positions_and_a_viewbox_that_contains_them():
    design = design_of([{"id": "a", "kind": "cache", "position": {"x": -500, "y": 40}},
                        {"id": "b", "kind": "kv_store", "position": {"x": 900, "y": 700}}],
                       [{"id": "e", "source": "a", "target": "b", "flow": "batch"}])
    root = ET.fromstring(to_svg(design))
    rects = [g.find(f"{SVG_NS}rect") for g in svg_blocks(to_svg(design))]
    assert [(float(r.get("x")), float(r.get("y"))) for r in rects] == [(-500, 40), (900, 700)]
    vx, vy, vw, vh = map(float, root.get("viewBox").split())
    for r in rects:
        x, y, w, h = (float(r.get(k)) for k in ("x", "y", "width", "height"))
        assert vx <= x and x + w <= vx + vw and vy <= y and y + h <= vy + vh


def test_svg_lays_out_blocks_without_positions(small_design):
    rects = [g.find(f"{SVG_NS}rect") for g in svg_blocks(to_svg(small_design))]
    xs = [float(r.get("x")) for r in rects]
    assert xs[0] < xs[1] < xs[2]  # client -> gateway -> inference, left to right
    expected = auto_layout(small_design)
    assert [(float(r.get("x")), float(r.get("y"))) for r in rects] == [
        pytest.approx(expected[c.id]) for c in small_design.components
    ]


def test_svg_legend_names_categories_and_flows(small_design):
    root = ET.fromstring(to_svg(small_design, findings=[]))
    legend = next(g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "legend")
    words = " ".join(t.text or "" for t in legend.iter(f"{SVG_NS}text"))
    for expected in ("Clients", "Serving", "request", "stream", "batch", "feedback", "error finding"):
        assert expected in words
    assert "Storage" not in words


def test_svg_borders_flagged_blocks(small_design):
    findings = [Finding("T-1", "sla", "error", "t", "m", "f", components=("inf",))]
    strokes = {g.get("data-id"): g.find(f"{SVG_NS}rect").get("stroke")
               for g in svg_blocks(to_svg(small_design, findings))}
    assert strokes["inf"] == ERROR_COLOR and strokes["gw"] != ERROR_COLOR
