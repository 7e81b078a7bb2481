"""SEC-8 reports one finding per cause: each api_gateway that does not authenticate (whatever number of models
sit behind it), and each entry point that clients reach inference through with no api_gateway on the way."""

from __future__ import annotations

from mlsd.baseline import apply_baseline
from mlsd.model import Design, Waiver
from mlsd.rules import all_rules, check
from tests.conftest import design_of
from tests.rule_helpers import block, entries_without_a_gateway, flow, run

all_rules()


def behind(gateways: dict[str, int], authenticated: bool = False) -> Design:
    """One client calling each gateway (id -> how many models behind it)."""
    blocks = [block("app", "client", "App")]
    flows = []
    for gw, models in gateways.items():
        blocks.append(block(gw, "api_gateway", gw.upper(), authenticated=authenticated))
        flows.append(flow("app", gw))
        for i in range(models):
            blocks.append(block(f"{gw}-m{i}", "online_inference", f"Model {gw}{i}"))
            flows.append(flow(gw, f"{gw}-m{i}"))
    return design_of(blocks, flows)


def test_several_models_behind_one_gateway_are_one_finding_on_the_gateway():
    result = run("SEC-8", behind({"gw": 5}))
    assert result.status == "failed"
    assert [f.components for f in result.findings] == [("gw",)]
    assert result.findings[0].message == (
        "'GW' (api_gateway) does not authenticate callers, and 5 inference blocks are reachable through it: "
        "'Model gw0', 'Model gw1', 'Model gw2' and 2 more. Example route: App → GW → Model gw0."
    )
    assert run("SEC-8", behind({"gw": 5}, authenticated=True)).status == "passed"


def test_two_open_gateways_are_two_findings():
    result = run("SEC-8", behind({"a": 2, "b": 3}))
    assert [f.components for f in result.findings] == [("a",), ("b",)]
    assert "2 inference blocks" in result.findings[0].message
    assert "3 inference blocks" in result.findings[1].message


def test_without_a_gateway_the_entry_point_is_the_cause():
    # two clients enter at one load balancer that fans out to three models; a third client calls a model directly
    design = entries_without_a_gateway()
    result = run("SEC-8", design)
    assert [f.components for f in result.findings] == [("lb",), ("m3",)]
    assert result.findings[0].message == (
        "Clients enter at 'LB' (load_balancer) with no api_gateway on the way, and 3 inference blocks are reachable "
        "from there without authentication: 'Ranker', 'Reranker' and 'DNN'. Example route: Web → LB → Ranker."
    )
    assert result.findings[0].fix == (
        "Put an api_gateway with authenticated: true (OAuth, API keys, mTLS) in front of 'LB'."
    )
    assert result.findings[1].message.startswith("Clients enter at 'DNN' (dnn) with no api_gateway on the way, "
                                                 "and 1 inference block is reachable")


def test_a_route_around_an_open_gateway_is_its_own_cause():
    # the load balancer reaches the model through the open gateway and also around it: two fixes, two findings
    design = design_of(
        [block("app", "client", "App"), block("lb", "load_balancer", "LB"), block("gw", "api_gateway", "GW"),
         block("m", "online_inference", "Ranker")],
        [flow("app", "lb"), flow("lb", "gw"), flow("gw", "m"), flow("lb", "m")],
    )
    assert sorted(f.components for f in run("SEC-8", design).findings) == [("gw",), ("lb",)]
    # an authenticating gateway leaves only the way around it
    design.components[2].props["authenticated"] = True
    assert [f.components for f in run("SEC-8", design).findings] == [("lb",)]


def test_the_fix_each_finding_gives_makes_it_go_away():
    design = behind({"gw": 3})
    design.components[1].props["authenticated"] = True  # what the gateway finding asks
    assert run("SEC-8", design).status == "passed"
    open_lb = design_of([block("app", "client", "App"), block("lb", "load_balancer", "LB"),
                         block("m", "online_inference", "Ranker")], [flow("app", "lb"), flow("lb", "m")])
    fixed = design_of([block("app", "client", "App"), block("gw", "api_gateway", "GW", authenticated=True),
                       block("lb", "load_balancer", "LB"), block("m", "online_inference", "Ranker")],
                      [flow("app", "gw"), flow("gw", "lb"), flow("lb", "m")])  # a gateway in front of the entry
    assert run("SEC-8", open_lb).status == "failed"
    assert run("SEC-8", fixed).status == "passed"


def test_waivers_and_baselines_now_name_the_gateway():
    design = behind({"gw": 2})
    [finding] = [f for f in check(design).findings if f.rule == "SEC-8"]
    assert finding.id == "SEC-8@gw"
    # a waiver or baseline written for the old per-model finding (SEC-8@gw-m0) does not cover the gateway
    old_baseline = apply_baseline(check(design), {"SEC-8@gw-m0": 1, "SEC-8@gw-m1": 1})
    assert not any(f.baselined for f in old_baseline.findings if f.rule == "SEC-8")
    design.waivers = [Waiver(rule="SEC-8", components=["gw-m0"], reason="internal only")]
    assert not any(f.waived for f in check(design).findings if f.rule == "SEC-8")
    design.waivers = [Waiver(rule="SEC-8", components=["gw"], reason="internal only")]
    assert all(f.waived for f in check(design).findings if f.rule == "SEC-8")
    assert any(f.baselined for f in apply_baseline(check(design.model_copy(update={"waivers": []})),
                                                   {"SEC-8@gw": 1}).findings if f.rule == "SEC-8")
