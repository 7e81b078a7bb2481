"""SEC-8's fixes (mlsd/fixes/endpoints.py): authenticate at the open gateway (safe), or put an authenticating
api_gateway in front of the entry point clients call (a suggestion). Each, applied once, makes its finding go away
and adds no new error finding."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from mlsd.cli import main
from mlsd.edit import connect, delete_block, set_prop
from mlsd.fixes import apply_fixes, load_fixes, offers, propose
from mlsd.fixes.steps import Inserting
from mlsd.io import DesignError, load_file
from mlsd.model import Design
from mlsd.rules import check
from tests.conftest import design_of
from tests.rule_helpers import block, entries_without_a_gateway

ROOT = Path(__file__).resolve().parent.parent
TRIGGER = ROOT / "tests" / "fixtures" / "rules" / "SEC-8" / "trigger.json"  # app -> open gateway -> ranker
ENTRY = ROOT / "tests" / "fixtures" / "fixes" / "gateway-in-front.json"  # web, ios -> lb -> ranker, no gateway
FIXES = load_fixes()


def sec8(design: Design) -> list:
    return [f for f in check(design).active if f.rule == "SEC-8"]


def fix_one(design: Design, fix_id: str, cause: str) -> tuple[Design, str]:
    """Apply one fix to the SEC-8 finding on ``cause``; the edited design must lose that finding and gain no
    error finding."""
    report = check(design)
    (finding,) = [f for f in report.active if f.id == f"SEC-8@{cause}"]
    (proposal,) = propose(design, finding, report.context, [FIXES[fix_id]])
    after = check(proposal.design).active
    assert finding.id not in {f.id for f in after}
    before = {f.id for f in report.active}
    assert [f.id for f in after if f.severity == "error" and f.id not in before] == []
    return proposal.design, proposal.summary


def without_gateway(design: Design, gateway: str) -> Design:
    """The design with its gateway taken out and its callers calling what it called."""
    calls_in = [e for e in design.connections if e.target == gateway and e.flow == "request"]
    calls_out = [e for e in design.connections if e.source == gateway and e.flow == "request"]
    edited = delete_block(design, gateway)
    for a in calls_in:
        for b in calls_out:
            edited, _ = connect(edited, a.source, b.target, "request", a.label)
    return edited


def test_the_open_gateway_gets_authenticated_true_and_nothing_else_changes():
    design = load_file(TRIGGER)
    fixed, summary = fix_one(design, "authenticate-gateway", "gw")
    assert summary == "gw: authenticated → true"
    assert fixed.by_id()["gw"].props["authenticated"] is True
    assert fixed.model_copy(update={"components": design.components}) == design
    assert [c.props for c in fixed.components if c.id != "gw"] == [c.props for c in design.components
                                                                    if c.id != "gw"]
    assert FIXES["authenticate-gateway"].safe and not FIXES["gateway-in-front"].safe


def test_each_cause_is_offered_its_own_fix_only():
    gateway_cause = {o.fix.id for o in offers(check(load_file(TRIGGER))) if o.finding.rule == "SEC-8"}
    entry_cause = {o.fix.id for o in offers(check(load_file(ENTRY))) if o.finding.rule == "SEC-8"}
    assert gateway_cause == {"authenticate-gateway"}
    assert entry_cause == {"gateway-in-front"}


def test_a_gateway_goes_between_the_clients_and_the_entry():
    design = load_file(ENTRY)
    fixed, summary = fix_one(design, "gateway-in-front", "lb")
    new = [c for c in fixed.components if c.id not in design.by_id()]
    assert [c.kind for c in new] == ["api_gateway"]
    gw = new[0]
    assert gw.props["authenticated"] is True
    conns = {e.id: e for e in fixed.connections}
    # the clients' calls keep their ids and labels and now end at the gateway; one new call carries them on
    assert (conns["c1"].source, conns["c1"].target, conns["c1"].label) == ("web", gw.id, "GET /feed")
    assert (conns["c2"].source, conns["c2"].target) == ("ios", gw.id)
    (onward,) = [e for e in fixed.connections if e.source == gw.id]
    assert (onward.target, onward.flow) == ("lb", "request") and onward.id not in {e.id for e in design.connections}
    assert conns["c3"] == design.connections[2]
    # catalog defaults for latency and capacity, replicas and timeout as the design needs them
    assert (gw.props["p50_ms"], gw.props["p99_ms"], gw.props["qps_per_replica"]) == (2, 5, 20_000)
    needed = math.ceil(100_000 * 1.3 / 20_000)  # peak × (1 + default headroom) / qps_per_replica
    assert gw.props["replicas"] == 2 * needed  # two regions: the one left carries the peak
    assert gw.props["timeout_ms"] <= 200
    assert gw.props["regions"] == ["us-east-1", "eu-west-1"] and gw.props["encrypted_in_transit"] is True
    assert summary.startswith(f"+ block {gw.id} (api_gateway, authenticated: true) in front of lb")
    assert f"web, ios → {gw.id} → lb" in summary
    # placed on the grid clear of every block, between the clients and the entry
    others = [c.position for c in design.components]
    assert all(abs(p.x - gw.position.x) >= 180 or abs(p.y - gw.position.y) >= 70 for p in others)
    assert 0 < gw.position.x < 720


def test_two_entries_get_a_gateway_each_in_one_run():
    # two clients enter at a load balancer; a third calls a model directly, which the reranker also calls
    design = entries_without_a_gateway()
    assert [f.components for f in sec8(design)] == [("lb",), ("m3",)]
    safe_only = apply_fixes(design)  # a suggestion: --fix alone does not insert the gateways
    assert sec8(safe_only.design) == sec8(design)
    assert [p.finding.id for p in safe_only.suggestions if p.fix.id == "gateway-in-front"] == ["SEC-8@lb", "SEC-8@m3"]
    result = apply_fixes(design, unsafe=True)
    assert [p.finding.id for p in result.applied if p.finding.rule == "SEC-8"] == ["SEC-8@lb", "SEC-8@m3"]
    assert sec8(result.design) == []
    gateways = [c.id for c in result.design.components if c.kind == "api_gateway"]
    assert len(gateways) == 2 and len(set(gateways)) == 2
    calls = {(e.source, e.target) for e in result.design.connections}
    assert ("m2", "m3") in calls  # a call from inside the system is left alone
    assert {("web", gateways[0]), ("ios", gateways[0]), (gateways[0], "lb"), ("bot", gateways[1]),
            (gateways[1], "m3")} <= calls


@pytest.mark.parametrize("name", ["ad_click_prediction", "news_feed_ranking", "video_recommendations"])
def test_both_fixes_on_example_designs_leave_no_new_finding(name):
    design = load_file(ROOT / "designs" / f"{name}.json")
    assert sec8(design) == []
    before = {f.id for f in check(design).active}
    fixed, _ = fix_one(set_prop(design, "gw", "authenticated", False), "authenticate-gateway", "gw")
    assert {f.id for f in check(fixed).active} == before
    open_entry = without_gateway(design, "gw")
    (finding,) = sec8(open_entry)
    fixed, _ = fix_one(open_entry, "gateway-in-front", finding.components[0])
    assert {f.id for f in check(fixed).active} == {f.id for f in check(open_entry).active} - {finding.id}


def test_validate_fix_authenticates_the_gateway_in_the_file(tmp_path, capsys):
    copy = tmp_path / "open.json"
    shutil.copy(TRIGGER, copy)
    (tmp_path / "mlsd.toml").write_text('select = ["SEC-8"]\n')  # the fixture's other findings have fixes too
    assert main(["validate", "--fix", str(copy)]) == 0
    assert "fixed 1 finding: SEC-8@gw (gw: authenticated → true)" in capsys.readouterr().err
    before, after = TRIGGER.read_text().splitlines(), copy.read_text().splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ('        "authenticated": false,', '        "authenticated": true,')]
    assert sec8(load_file(copy)) == []


def test_validate_fix_only_suggests_the_gateway_unsafe_fixes_insert_it(tmp_path, capsys):
    copy = tmp_path / "entry.json"
    shutil.copy(ENTRY, copy)
    (tmp_path / "mlsd.toml").write_text('select = ["SEC-8"]\n')
    main(["validate", "--fix", str(copy)])
    assert "suggestion (SEC-8@lb, needs judgement" in capsys.readouterr().err
    assert copy.read_text() == ENTRY.read_text()
    main(["validate", "--fix", "--unsafe-fixes", str(copy)])
    after = load_file(copy)
    assert sec8(after) == [] and any(c.kind == "api_gateway" for c in after.components)


def test_insert_before_drops_a_second_call_from_one_client_and_refuses_bad_input():
    design = design_of([block("app", "client", "App"), block("m", "online_inference", "M")],
                       [{"id": "a", "source": "app", "target": "m", "flow": "request"},
                        {"id": "b", "source": "app", "target": "m", "flow": "request", "label": "again"}])
    edit = Inserting(design)
    gw = edit.insert_before("m", ["a", "b"], "api_gateway")
    edited = edit.design()
    assert [(e.id, e.source, e.target) for e in edited.connections] == [("a", "app", gw), ("c1", gw, "m")]
    edit = Inserting(design)
    with pytest.raises(DesignError, match="end at it"):
        edit.insert_before("app", ["a"], "api_gateway")
    with pytest.raises(DesignError, match="unknown kind"):
        edit.insert_before("m", ["a"], "nope")
    assert edit.design() == design
