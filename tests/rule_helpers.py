"""Short ways to write small designs for the rule tests and to run one rule on them (test_rules_privacy_*.py,
test_privacy_purpose.py, test_rules_{reliability,scalability,sla}.py, test_findings_scale.py)."""

from __future__ import annotations

from mlsd.model import Design
from mlsd.rules import REGISTRY
from mlsd.rules.context import Context
from mlsd.rules.engine import RuleResult, run_rule
from tests.conftest import design_of


def run(rule_id: str, design: Design) -> RuleResult:
    return run_rule(REGISTRY[rule_id], Context(design))


def block(id: str, kind: str, label: str, **props: object) -> dict:
    return {"id": id, "kind": kind, "label": label, "props": props}


def flow(source: str, target: str, kind: str = "request") -> dict:
    return {"id": f"{source}-{target}", "source": source, "target": target, "flow": kind}



def entries_without_a_gateway() -> Design:
    """Two clients enter at one load balancer that fans out to two models (the reranker also calls a DNN); a third
    client calls that DNN directly: two entry points with no api_gateway in front (SEC-8's second cause)."""
    return design_of(
        [block("web", "client", "Web"), block("ios", "client", "iOS"), block("bot", "client", "Bot"),
         block("lb", "load_balancer", "LB"), block("m1", "online_inference", "Ranker"),
         block("m2", "reranker", "Reranker"), block("m3", "dnn", "DNN")],
        [flow("web", "lb"), flow("ios", "lb"), flow("lb", "m1"), flow("lb", "m2"), flow("m2", "m3"),
         flow("bot", "m3")],
    )
