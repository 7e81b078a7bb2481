"""Rendering the Markdown report (mlsd.formats.markdown): its sections with user text escaped, numbers,
findings and waivers from the report, and no findings without a report."""

from __future__ import annotations

import re

import pytest

from mlsd.formats.markdown import to_markdown
from mlsd.formats.mermaid import to_mermaid
from mlsd.rules import check
from tests.conftest import design_of
from tests.render_samples import hostile_design


def table_cells(line: str) -> list[str]:
    """Cells of a GFM table row: split on pipes not escaped by a backslash."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def test_markdown_report_sections_and_escaped_user_text():
    design = hostile_design()
    report = check(design)
    text = to_markdown(design, report, report.context.analysis)
    for heading in ("# Evil", "## Requirements", "## Diagram", "## Blocks", "## Findings", "## Waivers",
                    "## Numbers", "### Request paths", "### Capacity", "### Monthly cost", "## Checks passed",
                    "## Notes"):
        assert re.search(rf"^{re.escape(heading)}", text, re.M), heading
    assert "<script" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;script&gt;" in text or "&lt;script>" in text
    block_rows = text.split("## Blocks", 1)[1].split("\n\n", 2)[1].splitlines()
    assert len(block_rows) == len(design.components) + 2
    assert {len(table_cells(row)) for row in block_rows} == {6}
    mermaid = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert mermaid == to_mermaid(design)
    assert "**bold**" in text  # notes stay Markdown


def test_markdown_numbers_findings_and_waivers_from_report(small_design):
    design = design_of(
        [c.model_dump() for c in small_design.components],
        [e.model_dump() for e in small_design.connections],
        requirements={"sla_p99_ms": 1, "peak_qps": 500},
        waivers=[{"rule": "NOPE-9", "reason": "kept on purpose"}],
    )
    report = check(design)
    analysis = report.context.analysis
    text = to_markdown(design, report)
    path = analysis.paths[0]
    section = text.split("### Request paths", 1)[1].split("###", 1)[0]
    row = table_cells(next(line for line in section.splitlines() if line.startswith("| Mobile app")))
    assert row[2] == "500 req/s"
    assert float(row[3].removesuffix(" ms").replace(",", "")) == pytest.approx(path.p99_sum_ms, abs=0.05)
    assert float(row[4].removesuffix(" ms").replace(",", "")) == pytest.approx(path.light_p99_ms, abs=0.05)
    assert path.p99_ms is not None
    assert float(row[5].removesuffix(" ms").replace(",", "")) == pytest.approx(path.p99_ms, abs=0.05)
    assert row[6] == "1 ms" and row[7] == "**over SLA**"
    assert f"${analysis.cost_per_month:,.0f}" in text
    assert "kept on purpose" in text  # a waiver that matches nothing is still shown
    for f in report.active:
        assert f"`{f.rule}`" in text
    overall = report.score()["overall"]
    assert f"**{overall if overall is not None else 'n/a'}**" in text
    design.requirements.peak_qps = 1000  # 3 × 300 req/s of the ranker: saturated, shown as such
    saturated = to_markdown(design, check(design)).split("### Request paths", 1)[1].split("###", 1)[0]
    row = table_cells(next(line for line in saturated.splitlines() if line.startswith("| Mobile app")))
    assert row[5] == "saturated" and row[7] == "**over SLA**"


def test_markdown_without_report_leaves_findings_out(small_design):
    text = to_markdown(small_design)
    assert "## Findings" not in text and "## Numbers" not in text and "## Blocks" in text
