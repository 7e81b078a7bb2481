"""The rule catalog's output (mlsd.report.catalog): JSON, text and Markdown, covering the real
registry.

The ``test_rules`` fixture (tests/conftest.py) replaces the registry by the four test rules of tests/report_rules.py.
"""

from __future__ import annotations

import re

from mlsd.report import catalog
from mlsd.rules import all_rules
from tests.report_rules import TEST_RULES


def test_rules_json_text_and_markdown(test_rules):
    data = catalog.rules_json()
    assert [r["id"] for r in data] == ["TST-1", "TST-2", "TST-4", "TST-3"]
    assert data[0] == {"id": "TST-1", "category": "sla", "severity": "error", "title": "Inference block present",
                       "fix": "Remove the inference block.", "doc": TEST_RULES[0].doc, "source": "this test."}
    text = catalog.rules_text()
    assert "Latency SLA (1)" in text and re.search(r"TST-2\s+warning\s+Gateway present", text)
    assert text.rstrip().endswith("4 rules in 4 checklist categories")
    md = catalog.rules_markdown()
    assert md.startswith("# Checklist rules\n")
    assert "- [Latency SLA](#sla) (1)" in md and "  - [TST-1](#tst-1): Inference block present" in md
    assert "### TST-1: Inference block present" in md
    assert "Every online inference block is flagged (a test rule).\n\nSource: this test." in md
    assert md.index("## Latency SLA") < md.index("## Data & features") < md.index("## Structure")


def test_rules_cover_the_real_registry():
    real = all_rules()
    assert [r["id"] for r in catalog.rules_json()] == [r.id for r in real]
    md = catalog.rules_markdown()
    for r in real:
        assert f"### {r.id}: {r.title}" in md
