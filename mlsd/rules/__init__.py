"""The checklists: the rule engine and one module of rules per checklist category.

``check(design)`` runs every rule and returns a ``Report``; ``all_rules()`` lists the rule catalog.
"""

from __future__ import annotations

import importlib

from mlsd.rules.engine import (
    CATEGORIES,
    REGISTRY,
    Finding,
    Hit,
    NotApplicable,
    Report,
    Rule,
    RuleResult,
    all_rules,
    check,
    rule,
)

RULE_MODULES = (
    "sla",
    "funnel",
    "paths",
    "scalability",
    "cost",
    "batch",
    "scaling",
    "reliability",
    "privacy",
    "privacy_endpoints",
    "privacy_transfers",
    "privacy_purpose",
    "data",
    "lineage",
    "training",
    "labels",
    "serving",
    "cold_start",
    "monitoring",
    "structure",
)


def load_rules() -> None:
    """Import every rule module once, which registers its rules."""
    for name in RULE_MODULES:
        importlib.import_module(f"mlsd.rules.{name}")


__all__ = [
    "CATEGORIES",
    "REGISTRY",
    "Finding",
    "Hit",
    "NotApplicable",
    "Report",
    "Rule",
    "RuleResult",
    "all_rules",
    "check",
    "load_rules",
    "rule",
]
