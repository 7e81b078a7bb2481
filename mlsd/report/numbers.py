"""The numbers at the top of ``python -m mlsd validate --format text``: what a reviewer reads first.

Here "component" means a placed block of a design (``mlsd.model.Component``).

A linter-style summary of one design, at most 100 columns wide, before the findings in full:
- the score, with what it measures (``Report.score``: severity-weighted share of the applicable checks passed);
- each request path's p99 at peak (the queueing model of ``mlsd.analysis.network``) against the SLA, with the
  declared p99s' sum beside it (what a reviewer adds up by hand);
- the tightest tiers: utilisation at peak and headroom over the peak, against the required headroom
  (``mlsd.analysis.capacity``); a tier that is not modelled as a queue shows its peak over its declared
  capacity instead of a utilisation, and a managed tier that scales with its load is left out (it cannot run out);
- the monthly cost against the budget, per 1,000 predictions, and the blocks that cost most with what is billed
  (``mlsd.analysis.cost.cost_table`` of the lines ``analyze`` computed: hours, runs or requests);
- the top findings by severity, one line each.

Nothing here computes a number: every figure is read from the ``Analysis`` the checklists already ran
(``report.context.analysis``), so the text, the JSON and the rules can never disagree.
"""

from __future__ import annotations

import heapq

from mlsd.analysis import Analysis, TierCapacity
from mlsd.analysis.cost import cost_table
from mlsd.rules import Finding, Report
from mlsd.text import display_text

WIDTH = 100
MAX_PATHS = 4
MAX_TIERS = 3
MAX_COST_LINES = 3
MAX_FINDINGS = 5
_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


def _fit(line: str, width: int = WIDTH - 2) -> str:
    """``line`` cut to ``width`` columns (an ellipsis marks the cut)."""
    return line if len(line) <= width else line[: width - 1] + "…"


def _ms(v: float | None) -> str:
    return "saturated" if v is None else f"{v:,.0f} ms" if v >= 10 else f"{v:.1f} ms"


def _usd(v: float) -> str:
    return f"${v:,.0f}"


def _pct(v: float) -> str:
    return f"{v:+.0%}"


def score_line(report: Report) -> str:
    """``Checks passed 87/100 (weighted by severity; 40 of 46 applicable rules pass)``."""
    score = report.score()
    overall = score["overall"]
    summary = report.summary()
    applicable = summary["rules_passed"] + summary["rules_failed"] + summary["rules_error"]
    if overall is None:
        return "Checks passed n/a (no rule applies)"
    passing = summary["rules_passed"] + sum(
        1 for r in report.results if r.status == "failed" and all(f.waived for f in r.findings))
    weakest = score.get("weakest")
    cats = score["categories"]
    low = ""
    if isinstance(weakest, str) and isinstance(cats, dict) and cats.get(weakest) != 100:
        low = f"; weakest: {weakest} {cats[weakest]}"
    return f"Checks passed {overall}/100: {passing} of {applicable} applicable rules pass (severity-weighted{low})"


def path_lines(analysis: Analysis, sla_ms: float | None) -> list[str]:
    """One line per path, the slowest first: p99 at peak, declared sum, SLA and verdict. An asynchronous path
    (fed by a queue or stream) has no request SLA: it is judged on its lag (LAT-6), and says so."""
    if not analysis.paths:
        return ["Request paths: none (no entry block calls anything with a request connection)"]
    paths = heapq.nsmallest(MAX_PATHS, analysis.paths,
                            key=lambda p: (not p.over_sla, p.asynchronous,
                                           -(p.p99_ms if p.p99_ms is not None else 1e18)))
    head = "Request paths, p99 at peak" + (f" vs the {sla_ms:g} ms SLA" if sla_ms is not None else " (no SLA set)")
    lines = [head]
    width = min(max(len(p.entry) for p in paths), 24)
    for p in paths:
        if p.asynchronous:
            verdict = "  async: judged on its lag (LAT-6)"
        else:
            verdict = "" if p.sla_ms is None else ("  OVER SLA" if p.over_sla else "  ok")
        lines.append(_fit(
            f"  {p.entry:<{width}} {p.peak_qps:>8,.0f} req/s   p99 {_ms(p.p99_ms)}"
            f" (declared sum {_ms(p.p99_sum_ms)}){verdict}"))
    if len(analysis.paths) > MAX_PATHS:
        lines.append(f"  … and {len(analysis.paths) - MAX_PATHS} more paths (python -m mlsd analyze FILE)")
    return lines


def _load(t: TierCapacity) -> float | None:
    """Peak over capacity: the tier's utilisation (or, for a tier not queued, its declared load ratio); None for
    a managed tier that scales with its load (it has no capacity of its own to run out of)."""
    if t.scales_with_load:
        return None
    if t.utilisation is not None:
        return t.utilisation
    if t.capacity_qps:
        return t.peak_qps / t.capacity_qps
    return None


def tier_lines(analysis: Analysis, required: float) -> list[str]:
    """The tiers closest to their capacity, most loaded first."""
    tiers = [(load, t) for t in analysis.capacity.values() if (load := _load(t)) is not None and t.peak_qps > 0]
    if not tiers:
        return []
    tiers = heapq.nsmallest(MAX_TIERS, tiers, key=lambda lt: (-lt[0], lt[1].block))
    lines = [f"Tightest tiers at peak (utilisation; headroom over peak, {required:.0%} required)"]
    width = min(max(len(t.block) for _, t in tiers), 24)
    for load, t in tiers:
        cap = f"{t.replicas} × {t.qps_per_replica:,.0f} req/s" if t.qps_per_replica else "capacity unknown"
        if t.shards > 1:
            cap += f" per shard ({t.shards} shards)"
        if t.queued:
            head = "saturated" if t.saturated or load >= 1 else f"util {load:.0%}"
        else:  # a managed (not queued) tier: its declared capacity, no queue behind the figure
            head = f"load {load:.0%} of declared"
        room = "" if t.headroom is None else f"   headroom {_pct(t.headroom)}"
        short = "  SHORT" if t.headroom is not None and t.headroom < required else ""
        lines.append(_fit(f"  {t.block:<{width}} {t.peak_qps:>8,.0f} req/s on {cap}   {head}{room}{short}"))
    return lines


def cost_lines_text(analysis: Analysis) -> list[str]:
    """Monthly cost vs budget, cost per 1,000 predictions, and the blocks that cost most."""
    total = analysis.cost_per_month
    line = f"Cost {_usd(total)}/month"
    if analysis.budget_per_month is not None:
        share = f" ({total / analysis.budget_per_month:.0%})" if analysis.budget_per_month else ""
        verdict = "OVER budget" if analysis.over_budget else "within budget"
        line += f", {verdict} {_usd(analysis.budget_per_month)}{share}"
    else:
        line += " (no budget set)"
    if analysis.cost_per_thousand is not None:
        line += f"; ${analysis.cost_per_thousand:,.4f} per 1,000 predictions"
    lines = [_fit(line)]
    if total > 0:
        lines += [_fit("  " + row) for row in cost_table(analysis.cost, limit=MAX_COST_LINES)]
    return lines


def finding_line(f: Finding) -> str:
    """``severity rule title [first block +n]``, cut to the width."""
    where = ""
    if f.components:
        more = len(f.components) - 1
        where = f" [{f.components[0]}{f' +{more}' if more else ''}]"
    return _fit(f"  {f.severity:<7} {f.rule:<8} {display_text(f.title).replace(chr(10), ' ')}{where}")


def top_findings(report: Report) -> list[str]:
    """The open findings by severity (design order within a severity), at most ``MAX_FINDINGS``."""
    active = report.active
    if not active:
        waived = len(report.findings)
        return [f"Top findings: none open ({waived} waived)"] if waived else []
    top = heapq.nsmallest(MAX_FINDINGS, enumerate(active), key=lambda i_f: (_RANK[i_f[1].severity], i_f[0]))
    lines = [f"Top findings ({len(top)} of {len(active)} open, details below)"]
    lines += [finding_line(f) for _, f in top]
    return lines


def numbers_summary(report: Report) -> list[str]:
    """The summary lines, indented by two spaces, each at most ``WIDTH`` columns."""
    analysis = report.context.analysis
    lines = [_fit(score_line(report))]
    lines += path_lines(analysis, report.design.requirements.sla_p99_ms)
    lines += tier_lines(analysis, report.design.requirements.headroom)
    lines += cost_lines_text(analysis)
    lines += top_findings(report)
    return ["  " + line for line in lines]


__all__ = ["WIDTH", "numbers_summary"]
