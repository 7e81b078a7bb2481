"""Four test rules for the report tests (test_report_*.py): an error, a warning, an info and one that
never applies; the ``test_rules`` fixture in tests/conftest.py puts them in place of the registry."""

from __future__ import annotations

from mlsd.rules import Hit, NotApplicable, Rule
from mlsd.rules.context import Context


def _inference(ctx: Context) -> list[Hit]:
    """Every online inference block is flagged (a test rule).

    Source: this test.
    """
    return [Hit(f"{c.title} is an inference block", (c.id,)) for c in ctx.of_kind("online_inference")]


def _gateway(ctx: Context) -> list[Hit]:
    """Every API gateway is flagged, with its outgoing connections (a test rule).

    Source: this test.
    """
    return [Hit("gateway seen", (c.id,), tuple(e.id for e in ctx.out_edges.get(c.id, ())), fix="remove it")
            for c in ctx.of_kind("api_gateway")]


def _notes(ctx: Context) -> list[Hit]:
    """A design without notes gets an info finding (a test rule).

    Source: this test.
    """
    return [] if ctx.design.notes else [Hit("no notes")]


def _never(ctx: Context) -> list[Hit]:
    """Never applies (a test rule).

    Source: this test.
    """
    raise NotApplicable("nothing to check")


TEST_RULES = [
    Rule("TST-1", "sla", "error", "Inference block present", "Remove the inference block.", _inference),
    Rule("TST-2", "data", "warning", "Gateway present", "Route around the gateway.", _gateway),
    Rule("TST-3", "structure", "info", "Notes missing", "Write notes.", _notes),
    Rule("TST-4", "monitoring", "error", "Never applies", "Nothing.", _never),
]
