"""``python -m mlsd explain FILE [--path ID | --block ID | --rule ID]``: where each number comes from.

Without a selector: every path's p99 per hop (network, queueing wait, batch fill, service, fan-out; they add up
to the p99), every tier's arrival rate, utilisation and servers, and the cost lines. ``--path`` one path (by its
entry block), ``--block`` one block's tier figures and cost lines (and the paths it is an entry of), ``--rule``
the facts behind each finding of one rule (or one finding, ``RULE@blocks``): the props, figures and thresholds it
used and why its severity. ``--format json`` gives the same as data. Exit 0, or 2 for bad input (an unknown id
is named).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any, TextIO

from mlsd.cli.common import EXIT_OK, UsageError

if TYPE_CHECKING:
    from mlsd.analysis import Analysis
    from mlsd.model import Design
    from mlsd.rules import Report


def explain_data(design: Design, path: str | None = None, block: str | None = None, rule: str | None = None,
                 report: Report | None = None) -> dict[str, Any]:
    """What ``explain`` prints, as JSON-ready data; UsageError naming an unknown path, block or rule."""
    from mlsd.analysis import analyze
    from mlsd.analysis.explain import explain_paths, path_dict

    ids = {c.id for c in design.components}
    if block is not None and block not in ids:
        raise UsageError(f"--block: {block!r} is not a block of this design")
    data: dict[str, Any] = {"design": design.name}
    if rule is not None:
        data["findings"] = _findings(design, rule, report)
        return data
    a = analyze(design)
    entries = [p.entry for p in a.paths]
    if path is not None and path not in entries:
        raise UsageError(f"--path: {path!r} is not the entry of a request path; entries: "
                         + (", ".join(entries) or "none"))
    wanted = [path] if path is not None else [block] if block in entries else entries if block is None else []
    explained = {p.entry: p for p in explain_paths(a) if p.entry in wanted} if wanted else {}
    data["paths"] = [path_dict(explained[e]) for e in wanted]
    if path is None:
        data["tiers"] = _tiers(a, block)
        data["cost"] = _cost(a, block, {c.id: c.title for c in design.components})
    return data


def _tiers(a: Analysis, block: str | None) -> list[dict[str, Any]]:
    from mlsd.analysis.explain import explain_tier

    out = []
    for b in ([block] if block is not None else list(a.capacity)):
        t = explain_tier(a, b)
        if t is not None and (block is not None or len(t.lines) > 1):
            out.append({"block": b, "figures": t.figures, "derivation": list(t.lines)})
    return out


def _cost(a: Analysis, block: str | None, names: dict[str, str]) -> dict[str, Any]:
    from mlsd.analysis.cost import line_dict
    from mlsd.analysis.explain import explain_cost

    lines, text = explain_cost(a, block, names)
    out: dict[str, Any] = {"lines": [line_dict(x) for x in lines], "derivation": text}
    if block is None:
        out["per_month"] = a.cost_per_month
        out["budget_per_month"] = a.budget_per_month
    return out


def _findings(design: Design, rule: str, report: Report | None) -> list[dict[str, Any]]:
    from mlsd.rules import REGISTRY, all_rules, check
    from mlsd.rules.facts import finding_facts, severity_why

    all_rules()
    rule_id, _, where = rule.partition("@")
    if rule_id not in REGISTRY:
        raise UsageError(f"--rule: {rule_id!r} is not a rule id (python -m mlsd rules lists them)")
    report = report or check(design, [REGISTRY[rule_id]])
    found = [f for f in report.findings if f.rule == rule_id and (not where or f.id == rule)]
    if not found:
        result = next((r for r in report.results if r.rule.id == rule_id), None)
        status = result.status if result is not None else "not run"
        reason = f" ({result.reason})" if result is not None and result.reason else ""
        return [{"finding": None, "rule": rule_id, "status": status + reason,
                 "severity_why": severity_why(rule_id)}]
    return [{**finding_facts(report, f).to_dict(), "message": f.message} for f in found]


def render_text(data: dict[str, Any], names: dict[str, str], out: TextIO) -> None:
    """The explanation as a terminal report."""
    from mlsd.rules.facts import FindingFacts, facts_text

    out.write(f"{data['design']}\n")
    for p in data.get("paths", []):
        title = names.get(p["entry"], p["entry"])
        if p["p99_ms"] is None:
            out.write(f"\nPath from {title}: no p99, saturated at {', '.join(p['saturated_tiers'])}\n")
            continue
        sla = f" against a {p['sla_ms']:g} ms SLA" if p["sla_ms"] is not None else ""
        out.write(f"\nPath from {title}: p99 {p['p99_ms']:,.1f} ms at peak ({p['peak_qps']:,.0f} req/s){sla}\n")
        out.write(f"  {'hop':<28} {'on way':>6} {'wait':>8} {'batch':>8} {'service':>8} {'fan-out':>8} {'total':>8}\n")
        for h in p["hops"]:
            if h["total_ms"] < 0.005 and h["counted"] < 0.005:
                continue
            out.write(f"  {names.get(h['block'], h['block'])[:28]:<28} {h['counted']:>6.0%} {h['wait_ms']:>8.2f} "
                      f"{h['batch_ms']:>8.2f} {h['service_ms']:>8.2f} {h['fanout_ms']:>8.2f} {h['total_ms']:>8.2f}\n")
        parts = p["parts_ms"]
        out.write(f"  {'= p99':<28} {'':>6} {parts['wait']:>8.2f} {parts['batch']:>8.2f} {parts['service']:>8.2f} "
                  f"{parts['fanout']:>8.2f} {p['p99_ms']:>8.2f}\n")
        out.write(f"  (mean of the {p['samples']} samples around the p99, scaled by {p['scale']:.3f} to the p99; "
                  f"network 0 ms: {p['note']})\n")
    if data.get("tiers"):
        out.write("\nTiers at peak\n")
        for t in data["tiers"]:
            out.write(f"  {names.get(t['block'], t['block'])}\n")
            out.write("".join(f"    {line}\n" for line in t["derivation"]))
    if "cost" in data:
        out.write("\nCost\n" + "".join(f"  {line}\n" for line in data["cost"]["derivation"] or ["no cost line"]))
    for f in data.get("findings", []):
        if f["finding"] is None:
            out.write(f"\n{f['rule']}: no finding ({f['status']})\n  severity — {f['severity_why']}\n")
            continue
        facts = FindingFacts(f["finding"], f["rule"], f["severity"], f["severity_why"], f["props"], f["defaults"],
                             f["figures"], f["thresholds"])
        out.write(f"\n{f['finding']}: {f['message']}\n")
        out.write("".join(f"  {line}\n" for line in facts_text(facts, names)))


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.io import load_file

    chosen = [x for x in (args.path, args.block, args.rule) if x is not None]
    if len(chosen) > 1:
        raise UsageError("give at most one of --path, --block, --rule")
    design = load_file(args.file)
    data = explain_data(design, args.path, args.block, args.rule)
    if args.format == "json":
        json.dump(data, out, indent=2, ensure_ascii=False, default=str)
        out.write("\n")
    else:
        render_text(data, {c.id: c.title for c in design.components}, out)
    return EXIT_OK


def add_explain_parser(sub: Any) -> None:
    """The ``explain`` command."""
    p = sub.add_parser("explain", help="where each number comes from: p99 per hop, tier queues, cost lines, the "
                       "facts behind a finding")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--path", metavar="ID", help="one request path, by its entry block")
    p.add_argument("--block", metavar="ID", help="one block: its tier figures and cost lines")
    p.add_argument("--rule", metavar="ID", help="the facts behind a rule's findings (RULE or RULE@blocks)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_run)
