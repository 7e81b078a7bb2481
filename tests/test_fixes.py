"""Fixes (mlsd/fixes): every registered fix makes its finding go away on a fixture, and ``validate --fix`` turns
a flawed example into one with fewer findings and nothing else changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mlsd.cli import main
from mlsd.diff import diff_designs
from mlsd.fixes import apply_fixes, load_fixes, proposals, propose
from mlsd.io import load_file
from mlsd.rules import check

ROOT = Path(__file__).resolve().parent.parent
RULE_FIXTURES = ROOT / "tests" / "fixtures" / "rules"
FIX_FIXTURES = ROOT / "tests" / "fixtures" / "fixes"
FIXES = load_fixes()
# (fix, rule, fixture): the rule's own trigger fixture, or one written for the fix where that one offers no edit
CASES = [(f.id, r, FIX_FIXTURES / f"{f.id}.json" if (FIX_FIXTURES / f"{f.id}.json").exists()
          else RULE_FIXTURES / r / "trigger.json") for f in FIXES.values() for r in f.rules]


@pytest.mark.parametrize(("fix_id", "rule", "fixture"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_every_fix_makes_its_finding_go_away(fix_id, rule, fixture):
    design = load_file(fixture)
    report = check(design)
    findings = [f for f in report.active if f.rule == rule]
    assert findings, f"{fixture} has no {rule} finding"
    offered = propose(design, findings[0], report.context, [FIXES[fix_id]])
    assert offered, f"{fix_id} offers nothing for {findings[0].id}"
    after = {f.id for f in check(offered[0].design).active}
    assert findings[0].id not in after
    assert offered[0].summary


def test_every_fix_is_documented_and_answers_known_rules():
    from mlsd.rules import REGISTRY, load_rules

    load_rules()
    for f in FIXES.values():
        assert f.doc and f.title and f.rules
        assert set(f.rules) <= set(REGISTRY)


def test_fixes_needing_judgement_are_suggestions_not_applied():
    design = load_file(ROOT / "designs" / "card_fraud_scoring.json")
    result = apply_fixes(design)
    assert all(p.safe for p in result.applied)
    assert {p.fix.id for p in result.suggestions} == {"insert-anonymizer"}
    assert {p.fix.id for p in apply_fixes(design, unsafe=True).applied} >= {"insert-anonymizer"}


def test_parallel_calls_says_what_it_saves():
    design = load_file(FIX_FIXTURES / "parallel-calls.json")
    (p,) = [p for p in proposals(check(design)) if p.fix.id == "parallel-calls"]
    assert "svc calls profiles, history, ab at once" in p.summary and "saves" in p.summary


def test_parallel_calls_leaves_a_funnel_alone():
    """slate calls features, the user tower, candidate generation, the ranker and the re-ranker: each stage uses
    what the one before returned, so they are not independent (rec's cache and experiment lookups are)."""
    from mlsd.fixes.latency import independent
    from mlsd.rules.context import Context

    ctx = Context(load_file(ROOT / "designs" / "video_recommendations.json"))
    assert not independent(ctx, "slate")
    assert not independent(ctx, "gw")  # the token check passes before the request goes on to the balancer
    assert independent(ctx, "rec")


def test_parallel_calls_on_video_recommendations_runs_only_recs_lookups_at_once():
    """With the SLA just under its p99, LAT-1's fix knows the call tree: only rec's cache and experiment
    lookups run at once, and the saving is the path's p99 before less after (the same latency model)."""
    from mlsd.analysis import analyze
    from mlsd.edit import set_requirements

    design = load_file(ROOT / "designs" / "video_recommendations.json")
    p99 = analyze(design).paths[0].p99_ms
    tight = set_requirements(design, sla_p99_ms=p99 - 0.5)
    (p,) = [p for p in proposals(check(tight)) if p.fix.id == "parallel-calls"]
    before = tight.by_id()
    changed = {c.id: c.prop("calls") for c in p.design.components if c.prop("calls") != before[c.id].prop("calls")}
    assert changed == {"rec": "parallel"}
    after = analyze(p.design).paths[0].p99_ms
    assert after < p99 and "saves" in p.summary


@pytest.mark.parametrize("name", ["card_fraud_scoring.json", "ad_click_prediction.json"])
def test_fix_turns_a_flawed_example_into_one_with_fewer_findings_and_nothing_else_changed(tmp_path, name, capsys):
    copy = tmp_path / name
    shutil.copy(ROOT / "designs" / name, copy)
    before = load_file(copy)
    found_before = {f.id for f in check(before).active}
    main(["validate", "--fix", str(copy)])
    after = load_file(copy)
    found_after = {f.id for f in check(after).active}
    assert found_after < found_before  # fewer, and no new one
    expected = apply_fixes(before).design
    assert after == expected  # the file holds exactly what the fixes made
    diff = diff_designs(before, after)
    assert not diff.fields and not diff.requirements and not diff.blocks_removed and not diff.connections_removed
    touched = {c.id for c in diff.blocks_changed} | {c.id for c in diff.blocks_added}
    fixed = {b for f in found_before - found_after for b in f.split("@")[1].split(",")}
    assert {c.id for c in diff.blocks_changed} <= fixed  # only blocks named by the fixed findings change
    assert touched
    err = capsys.readouterr().err
    assert "fixed" in err


def test_fix_changes_only_the_lines_the_fixes_touch(tmp_path):
    copy = tmp_path / "fraud.json"
    shutil.copy(ROOT / "designs" / "card_fraud_scoring.json", copy)
    original = copy.read_text().splitlines()
    main(["validate", "--fix", str(copy)])
    fixed = copy.read_text().splitlines()
    import difflib

    removed = [x for x in difflib.ndiff(original, fixed) if x.startswith("- ")]
    assert len(removed) <= 6  # replicas, a region line, split, the last prop's comma, list/array ends
    assert json.loads(copy.read_text())["components"][3]["props"]["replicas"] == 2


def test_diff_is_a_dry_run_and_exits_1_when_something_would_change(tmp_path, capsys):
    copy = tmp_path / "fraud.json"
    shutil.copy(ROOT / "designs" / "card_fraud_scoring.json", copy)
    text = copy.read_text()
    assert main(["validate", "--diff", str(copy)]) == 1
    out = capsys.readouterr().out
    assert copy.read_text() == text
    assert '-        "replicas": 1,' in out and '+        "replicas": 2,' in out
    assert "# would fix REL-1@scoring (second-replica)" in out
    sound = tmp_path / "news.json"
    shutil.copy(ROOT / "designs" / "news_feed_ranking.json", sound)
    assert main(["validate", "--diff", str(sound)]) == 0


def test_fix_leaves_an_invalid_file_alone(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "components": [{"id": "a", "kind": "nope"}]}')
    assert main(["validate", "--fix", str(bad)]) == 2
    assert "nope" in bad.read_text()


def test_unsafe_fixes_apply_the_suggestions_too(tmp_path, capsys):
    copy = tmp_path / "fraud.json"
    shutil.copy(ROOT / "designs" / "card_fraud_scoring.json", copy)
    main(["validate", "--fix", str(copy)])
    assert "suggestion (SEC-4@" in capsys.readouterr().err
    assert "SEC-4" in {f.rule for f in check(load_file(copy)).active}
    main(["validate", "--fix", "--unsafe-fixes", str(copy)])
    after = load_file(copy)
    assert "SEC-4" not in {f.rule for f in check(after).active}
    assert any(c.kind == "anonymizer" for c in after.components)
