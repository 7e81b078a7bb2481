"""Documentation that tests itself: docs/rules.md is generated from the rule registry and must be current."""

from __future__ import annotations

from mlsd.report.catalog import rules_markdown
from mlsd.rules import all_rules
from mlsd.rules.facts import severity_why
from tests.conftest import ROOT

RULES_MD = ROOT / "docs" / "rules.md"
STALE = "docs/rules.md is stale: run python -m mlsd rules --format markdown > docs/rules.md"


def test_rules_md_is_current():
    assert RULES_MD.exists(), STALE
    assert RULES_MD.read_text(encoding="utf-8") == rules_markdown(), STALE


def test_every_rule_has_a_docstring_and_a_source():
    rules = all_rules()
    assert rules, "no rule is registered"
    undocumented = [r.id for r in rules if not r.doc.strip()]
    assert not undocumented, f"rules without a docstring: {', '.join(undocumented)}"
    unsourced = [r.id for r in rules if not r.source]
    assert not unsourced, f"rules whose docstring has no 'Source:' line: {', '.join(unsourced)}"


def test_every_rule_says_why_it_has_its_severity():
    rules = all_rules()
    without = [r.id for r in rules if not any(line.lower().startswith("why:") for line in r.doc.splitlines())]
    assert not without, f"rules whose docstring has no 'Why:' paragraph: {', '.join(without)}"
    unexplained = [r.id for r in rules if ". Why: " not in severity_why(r.id)]
    assert not unexplained, f"rules whose severity_why has no Why text: {', '.join(unexplained)}"
    # the paragraph ends at a blank line or the next heading: CAP-11's "When a careful design trips it" is not in it
    assert "When a careful design" not in severity_why("CAP-11") and "Fix:" not in severity_why("CAP-1")


def test_rules_md_documents_every_rule():
    text = RULES_MD.read_text(encoding="utf-8") if RULES_MD.exists() else ""
    missing = [r.id for r in all_rules() if f"### {r.id}: " not in text]
    assert not missing, f"{STALE} (missing: {', '.join(missing)})"
