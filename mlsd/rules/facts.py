"""The facts behind a finding: the props it read, the computed figures it used, its thresholds, and why this
severity.

Here "component" means a placed block of a design (``mlsd.model.Component``).

A finding's message already states its numbers in words; ``finding_facts`` gives them as structured data, built
from what the rule's code reads, so that no rule has to repeat them (and none of the report outputs change):
- **props**: of each block the finding names, the props whose names appear in the rule's code or docstring, with
  their values (the block's own, else its kind's default, marked as such);
- **thresholds**: the requirements the rule's code reads (``requirements.sla_p99_ms``, ``headroom``...) and the
  module constants it uses (``FANOUT_LIMIT = 11``), with their values;
- **figures**: for a finding of the latency, capacity, reliability or cost checklists, the analysis's figures of
  the blocks it names (each tier's rate, replicas, utilisation, needed replicas, p99 of the wait; each path
  starting there: its p99 at peak and the SLA; each cost line), and the design's cost and budget for a cost rule;
- **severity**: the rule's severity, and why, from the "Why:" paragraph of its docstring (DESIGN.md: each rule's
  docstring says why this severity); a waived or baselined finding says so.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import Any

from mlsd.catalog import KINDS, PROP_SPECS
from mlsd.model import Requirements
from mlsd.rules.engine import REGISTRY, Finding, Report, all_rules

REQUIREMENT_FIELDS = tuple(Requirements.model_fields)
FIGURE_CATEGORIES = frozenset({"sla", "scalability", "reliability"})
TIER_FIGURES = ("peak_qps", "replicas", "qps_per_replica", "capacity_qps", "utilisation", "needed_replicas",
                "headroom", "servers", "p_wait", "wait_p99_ms", "saturation_load")
SEVERITY_MEANING = {
    "error": "the design does not hold as drawn (it breaks a requirement or a rule of the trade)",
    "warning": "a risk a reviewer would raise; the design may hold, with a reason",
    "info": "worth knowing; nothing is wrong yet",
}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class FindingFacts:
    """What a finding used (see the module docstring)."""

    finding: str  # the finding's id (rule@blocks)
    rule: str
    severity: str
    severity_why: str
    props: dict[str, dict[str, Any]] = field(default_factory=dict)  # block -> {prop: value}
    defaults: dict[str, list[str]] = field(default_factory=dict)  # block -> props taken from the kind's defaults
    figures: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"finding": self.finding, "rule": self.rule, "severity": self.severity,
                "severity_why": self.severity_why, "props": self.props, "defaults": self.defaults,
                "figures": self.figures, "thresholds": self.thresholds}


def _words(rule_id: str) -> tuple[set[str], dict[str, Any]]:
    """Names in the rule's code and docstring, and the module constants among them with their values."""
    r = REGISTRY[rule_id]
    try:
        source = inspect.getsource(r.func)
    except (OSError, TypeError):
        source = r.doc
    words = set(_WORD.findall(source))
    module = inspect.getmodule(r.func)
    constants: dict[str, Any] = {}
    for w in sorted(words):
        if w.isupper() and module is not None:
            value = getattr(module, w, None)
            if isinstance(value, int | float) and not isinstance(value, bool) and "SHOWN" not in w:
                constants[w] = value
    return words, constants


def severity_why(rule_id: str, finding: Finding | None = None) -> str:
    """Why the finding has its severity: the meaning of the level and the rule docstring's "Why:" paragraph."""
    r = REGISTRY[rule_id]
    sev = finding.severity if finding is not None else r.severity
    why = ""
    lines = r.doc.splitlines()
    for i, line in enumerate(lines):
        if line.lower().startswith("why:"):
            rest = [line.split(":", 1)[1].strip()]
            for more in lines[i + 1:]:
                if not more.strip() or re.match(r"^[A-Z][a-z]+:", more):
                    break
                rest.append(more.strip())
            why = " ".join(rest)
            break
    text = f"{sev}: {SEVERITY_MEANING.get(sev, sev)}"
    if sev != r.severity:
        text += f" (the rule's own severity is {r.severity}; the configuration sets {sev})"
    if why:
        text += f". Why: {why}"
    if finding is not None and finding.waived:
        text += f" Waived: {finding.waiver_reason}."
    if finding is not None and finding.baselined:
        text += " In the baseline: shown, never fails."
    return text


def finding_facts(report: Report, finding: Finding) -> FindingFacts:
    """The facts behind one finding of ``report`` (see the module docstring)."""
    all_rules()
    words, constants = _words(finding.rule)
    design = report.design
    blocks = {c.id: c for c in design.components}
    props: dict[str, dict[str, Any]] = {}
    defaults: dict[str, list[str]] = {}
    read = sorted(w for w in words if w in PROP_SPECS)
    for b in finding.components:
        c = blocks.get(b)
        if c is None:
            continue
        kind_props = KINDS[c.kind].props
        shown: dict[str, Any] = {}
        for name in read:
            if name in c.props:
                shown[name] = c.props[name]
            elif name in kind_props:
                shown[name] = kind_props[name]
                defaults.setdefault(b, []).append(name)
        if shown:
            props[b] = shown
    req = design.requirements
    thresholds: dict[str, Any] = {f"requirements.{n}": getattr(req, n) for n in REQUIREMENT_FIELDS
                                  if n in words and hasattr(req, n)}
    thresholds.update(constants)
    figures: dict[str, Any] = {}
    if finding.category in FIGURE_CATEGORIES or finding.rule.startswith(("CAP", "LAT", "REL")):
        figures.update(_analysis_figures(report, finding, "cost" in words or "budget_per_month" in words))
    return FindingFacts(finding.id, finding.rule, finding.severity, severity_why(finding.rule, finding), props,
                        defaults, figures, thresholds)


def _analysis_figures(report: Report, finding: Finding, costs: bool) -> dict[str, Any]:
    a = report.context.analysis
    out: dict[str, Any] = {}
    named = set(finding.components)
    for b in finding.components:
        t = a.capacity.get(b)
        if t is not None and (t.queued or t.qps_per_replica is not None):
            out[f"tier {b}"] = {k: getattr(t, k) for k in TIER_FIGURES if getattr(t, k) is not None}
    for p in a.paths:
        if p.entry in named:
            out[f"path {p.entry}"] = {"p99_ms": p.p99_ms, "light_p99_ms": p.light_p99_ms,
                                      "p99_sum_ms": p.p99_sum_ms, "sla_ms": p.sla_ms, "peak_qps": p.peak_qps,
                                      "saturated_tiers": list(p.saturated)}
    lines = [line for line in a.cost if line.block in named]
    if costs:
        out["cost lines"] = {line.block: round(line.total, 2) for line in lines}
        out["cost_per_month"] = round(a.cost_per_month, 2)
        if a.budget_per_month is not None:
            out["budget_per_month"] = a.budget_per_month
    return out


def facts_text(facts: FindingFacts, names: dict[str, str] | None = None) -> list[str]:
    """The facts as text lines, for ``python -m mlsd explain --rule`` and the Board."""
    names = names or {}
    out = [f"severity — {facts.severity_why}"]
    for b, shown in facts.props.items():
        kind_default = set(facts.defaults.get(b, ()))
        items = ", ".join(f"{k} = {_show(v)}" + (" (kind default)" if k in kind_default else "")
                          for k, v in shown.items())
        out.append(f"props of {names.get(b, b)}: {items}")
    for k, v in facts.figures.items():
        if isinstance(v, dict):
            v = ", ".join(f"{kk} = {_show(vv)}" for kk, vv in v.items())
        out.append(f"computed {k}: {_show(v) if not isinstance(v, str) else v}")
    if facts.thresholds:
        out.append("thresholds: " + ", ".join(f"{k} = {_show(v)}" for k, v in facts.thresholds.items()))
    return out


def _show(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.4g}"
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return str(v)
