"""Rendering in every format (mlsd.formats.render): the dispatcher, a thousand blocks rendered quickly,
controls and bidi made visible, and any label staying literal text in DOT, Mermaid and SVG."""

from __future__ import annotations

import html
import time
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsd.formats import FORMATS, render
from mlsd.formats.dot import to_dot
from mlsd.formats.mermaid import to_mermaid
from mlsd.formats.svg import to_svg
from mlsd.text import display_text
from tests.conftest import design_of
from tests.render_parsers import (
    _MERMAID_EDGE,
    _MERMAID_NODE,
    SVG_NS,
    dot_statements,
    dot_unescape,
    html_label_text,
    mermaid_decode,
    svg_blocks,
)
from tests.render_samples import big_design


def test_render_dispatches_every_format(small_design):
    assert render(small_design, "mermaid") == to_mermaid(small_design)
    assert render(small_design, "dot").startswith("digraph mlsd {")
    assert ET.fromstring(render(small_design, "svg")).tag == f"{SVG_NS}svg"
    assert render(small_design, "markdown").startswith("# test design")
    assert set(FORMATS) == {"dot", "svg", "mermaid", "markdown"}
    with pytest.raises(ValueError, match="unknown format 'png'"):
        render(small_design, "png")


def test_thousand_blocks_render_quickly():
    design = big_design(1_000)
    for func in (to_dot, to_mermaid, to_svg):
        start = time.perf_counter()
        text = func(design)
        assert time.perf_counter() - start < 2.0, func.__name__
        assert len(text) > 1_000 * 50
    nodes, edges = dot_statements(to_dot(design))
    assert len(nodes) == 1_000 and len(edges) == len(design.connections)


def test_display_text_makes_controls_and_bidi_visible():
    assert display_text("a\x1b[0m\r\nb\u202ec\x85d") == "a␛[0m\nb[U+202E]c\nd"
    assert display_text("plain ok") == "plain ok"
    assert html.escape(display_text("\ud800")) == "\ufffd"


@settings(max_examples=150, deadline=None)
@given(label=st.text(st.characters(exclude_characters="\x00"), max_size=60),
       edge=st.text(st.characters(exclude_characters="\x00"), min_size=1, max_size=30))
def test_any_label_stays_literal_text_in_dot_mermaid_and_svg(label, edge):
    design = design_of([{"id": "a", "kind": "cache", "label": label}, {"id": "b", "kind": "kv_store"}],
                       [{"id": "e", "source": "a", "target": "b", "flow": "stream", "label": edge}])
    nodes, edges = dot_statements(to_dot(design))
    assert len(nodes) == 2 and len(edges) == 1
    assert "\n".join(html_label_text(nodes[0]["label"][1])[:-1]) == display_text(design.components[0].title)
    assert dot_unescape(edges[0]["label"][1]) == display_text(edge)
    lines = [line for line in to_mermaid(design).splitlines() if not line.startswith("  %% mlsd ")]
    node = _MERMAID_NODE.match(lines[1])
    assert node and mermaid_decode(node.group(3)) == display_text(design.components[0].title) + "\nCache"
    arrow = _MERMAID_EDGE.match(lines[3])
    assert arrow and mermaid_decode(arrow.group(3)) == display_text(edge)
    block = svg_blocks(to_svg(design))[0]
    assert block.findtext(f"{SVG_NS}title") == display_text(design.components[0].title)
