"""Rendering DOT (mlsd.formats.dot): one statement per block and connection with hostile labels, edges
styled by flow, blocks bordered by unwaived findings, and Graphviz drawing each label as text."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from mlsd.catalog import KINDS, color_of
from mlsd.formats.dot import to_dot
from mlsd.formats.style import ERROR_COLOR, WARNING_COLOR
from mlsd.rules import Finding
from mlsd.text import display_text
from tests.render_parsers import (
    SVG_NS,
    dot_statements,
    dot_unescape,
    html_label_text,
)
from tests.render_samples import hostile_design


def test_dot_has_one_statement_per_block_and_connection_with_hostile_labels():
    design = hostile_design()
    nodes, edges = dot_statements(to_dot(design))
    assert len(nodes) == len(design.components) and len(edges) == len(design.connections)
    for node, c in zip(nodes, design.components, strict=True):
        kind, inner = node["label"]
        assert kind == "html"
        *title, kind_text = html_label_text(inner)
        assert "\n".join(title) == display_text(c.label)
        assert kind_text == KINDS[c.kind].label
        assert node["fillcolor"] == ("str", color_of(c.kind))
        assert node["shape"] == ("str", KINDS[c.kind].shape)
    ids = [n["node"] for n in nodes]
    for edge, e in zip(edges, design.connections, strict=True):
        assert (edge["source"], edge["target"]) == (ids[int(e.source[1:])], ids[int(e.target[1:])])
        assert dot_unescape(edge["label"][1]) == display_text(e.label or "")


def test_dot_styles_edges_by_flow_and_is_left_to_right():
    design = hostile_design()
    text = to_dot(design)
    assert "rankdir=LR" in text
    _, edges = dot_statements(text)
    styles = {e.flow: edge["style"][1] for edge, e in zip(edges, design.connections, strict=True)}
    assert styles == {"request": "bold", "stream": "dashed", "batch": "dotted", "feedback": "dashed"}
    feedback = next(edge for edge, e in zip(edges, design.connections, strict=True) if e.flow == "feedback")
    assert feedback["constraint"] == ("id", "false")


def test_dot_borders_blocks_by_unwaived_findings(small_design):
    def finding(severity, blocks, waived=False):
        return Finding("T-1", "sla", severity, "t", "m", "f", components=tuple(blocks), waived=waived)

    findings = [finding("error", ["gw"]), finding("warning", ["inf", "gw"]), finding("error", ["client"], True),
                finding("info", ["client"])]
    nodes, _ = dot_statements(to_dot(small_design, findings))
    by_block = {dot_unescape(n["id"][1]).removeprefix("block-"): n for n in nodes}
    assert by_block["gw"]["color"] == ("str", ERROR_COLOR)
    assert by_block["inf"]["color"] == ("str", WARNING_COLOR)
    assert "color" not in by_block["client"]  # waived error and info leave the default border
    plain, _ = dot_statements(to_dot(small_design))
    assert all("color" not in n for n in plain)


@pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz dot binary is not installed")
def test_graphviz_reads_hostile_dot_and_draws_each_label_as_text():
    design = hostile_design()
    done = subprocess.run(["dot", "-Tsvg"], input=to_dot(design), capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    svg = ET.fromstring(done.stdout)
    groups = [g for g in svg.iter(f"{SVG_NS}g") if g.get("class") in ("node", "edge")]
    assert sum(g.get("class") == "node" for g in groups) == len(design.components)
    assert sum(g.get("class") == "edge" for g in groups) == len(design.connections)
    texts = [t.text or "" for t in svg.iter(f"{SVG_NS}text")]
    for c in design.components:  # each line of each label is drawn literally (no \N expansion, no markup)
        for line in display_text(c.label).split("\n"):
            assert line.strip() in [t.strip() for t in texts], line
