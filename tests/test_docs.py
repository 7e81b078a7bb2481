"""Documentation that tests itself: docs/rules.md is generated from the rule registry and must be current."""

from __future__ import annotations

from mlsd.report.catalog import rules_markdown
from mlsd.rules import all_rules
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


def test_rules_md_documents_every_rule():
    text = RULES_MD.read_text(encoding="utf-8") if RULES_MD.exists() else ""
    missing = [r.id for r in all_rules() if f"### {r.id}: " not in text]
    assert not missing, f"{STALE} (missing: {', '.join(missing)})"
