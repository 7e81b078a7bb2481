"""Every rule has a design that triggers it and one that passes it (tests/fixtures/rules/<ID>/).

``trigger.json`` must make the rule fail (at least one finding); ``pass.json`` must make it pass (status
"passed", not "not applicable"). A rule without both files fails this test, so no rule can be dead silently.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsd.io import load_file
from mlsd.rules import all_rules
from mlsd.rules.context import Context
from mlsd.rules.engine import run_rule

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"
RULES = all_rules()


@pytest.mark.parametrize("r", RULES, ids=[r.id for r in RULES])
def test_rule_triggers_on_its_trigger_fixture(r):
    result = run_rule(r, Context(load_file(FIXTURES / r.id / "trigger.json")))
    assert result.status == "failed", (result.status, result.reason)
    assert all(f.rule == r.id for f in result.findings)


@pytest.mark.parametrize("r", RULES, ids=[r.id for r in RULES])
def test_rule_passes_on_its_pass_fixture(r):
    result = run_rule(r, Context(load_file(FIXTURES / r.id / "pass.json")))
    assert result.status == "passed", (result.status, result.reason, [f.message for f in result.findings])


def test_at_least_forty_rules_cover_every_category():
    from mlsd.rules import CATEGORIES

    assert len(RULES) >= 40
    assert {r.category for r in RULES} == set(CATEGORIES)


def test_every_fixture_folder_belongs_to_a_rule():
    ids = {r.id for r in RULES}
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} <= ids
