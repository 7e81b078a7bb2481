"""Short ways to write small designs for the rule tests and to run one rule on them (test_rules_privacy_*.py,
test_privacy_purpose.py, test_rules_{reliability,scalability,sla}.py, test_findings_scale.py)."""

from __future__ import annotations

from mlsd.model import Design
from mlsd.rules import REGISTRY
from mlsd.rules.context import Context
from mlsd.rules.engine import RuleResult, run_rule


def run(rule_id: str, design: Design) -> RuleResult:
    return run_rule(REGISTRY[rule_id], Context(design))


def block(id: str, kind: str, label: str, **props: object) -> dict:
    return {"id": id, "kind": kind, "label": label, "props": props}


def flow(source: str, target: str, kind: str = "request") -> dict:
    return {"id": f"{source}-{target}", "source": source, "target": target, "flow": kind}

