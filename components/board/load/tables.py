"""The numbers under load as text and table rows: a sentence per serving path, the what-if table and its summary,
and the simulation beside the model. Plain functions of the analysis; no Streamlit here.

Texts returned for Markdown have user text (block labels) escaped with ``markup.plain``; table rows hold user
text as it is (tables show text as text).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from components.board.load.figures import fmt_load, fmt_ms, knee_of, titles_of
from components.common.markup import plain
from mlsd.analysis import Analysis, RequestPath
from mlsd.analysis.failures import SEVERITY, Failure, PathOutcome
from mlsd.analysis.ramp import Ramp
from mlsd.model import Design

KIND_LABEL = {"replica": "one replica", "zone": "a zone", "region": "a region", "block": "a whole block"}
KIND_ORDER = {"zone": 0, "block": 1, "replica": 2}
OUTCOME_STYLE = {  # background and text colour of the outcome cell (text on it: ≥ 7:1)
    "failing": "background-color: #ffdad6; color: #8c1d18; font-weight: 600",
    "degraded": "background-color: #ffe8c2; color: #5c3600; font-weight: 600",
    "kept": "background-color: #dcefdc; color: #1b5e20",
}


def count(n: int, word: str, many: str | None = None) -> str:
    """'1 single failure', '3 single failures' (``many``: an irregular plural)."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


# -- the ramp, per path -------------------------------------------------------------------------------------


def path_sentences(design: Design, analysis: Analysis, ramp: Ramp) -> list[str]:
    """One Markdown sentence per serving path: p99 at peak, up to which load it holds, what saturates first."""
    titles = titles_of(design)
    at_peak = {p.entry: p for p in analysis.paths}
    top = ramp.loads[-1] if ramp.loads else 3.0
    out = []
    for p in ramp.paths:
        peak: RequestPath | None = at_peak.get(p.entry)
        head = f"**{plain(titles.get(p.entry, p.entry))}** ({p.peak_qps:,.0f} req/s at peak)"
        if peak is not None:
            at = "saturated at peak, so no p99" if peak.p99_ms is None else f"p99 {fmt_ms(peak.p99_ms)} at peak"
            head += (f": {at} ({fmt_ms(peak.light_p99_ms)} at light load; declared p99s add up to "
                     f"{fmt_ms(peak.p99_sum_ms)})")
        knee = knee_of(p)
        low = ramp.loads[0] if ramp.loads else 0.1
        if p.knee_below_ramp:
            holds = (f"Over the {p.sla_ms:g} ms SLA already at {fmt_load(low)} peak." if p.sla_ms is not None
                     else f"Saturated already at {fmt_load(low)} peak.")
        elif knee is not None:
            what = f"holds the {p.sla_ms:g} ms SLA" if p.sla_ms is not None else "keeps answering"
            holds = f"It {what} up to **{fmt_load(knee)} peak** ({knee * p.peak_qps:,.0f} req/s): the knee."
        elif p.sla_ms is not None:
            holds = f"It holds the {p.sla_ms:g} ms SLA at every load up to {fmt_load(top)} peak."
        else:
            holds = f"No tier saturates up to {fmt_load(top)} peak."
        first = ""
        if p.first_saturated is not None and p.saturation_load is not None:
            name = plain(titles.get(p.first_saturated, p.first_saturated))
            beyond = " (beyond the ramp)" if p.saturation_load > top else ""
            first = (f" First to saturate: **{name}** at {fmt_load(p.saturation_load)} peak "
                     f"({p.saturation_load * p.peak_qps:,.0f} req/s){beyond}.")
        out.append(f"{head}. {holds}{first}")
    return out


# -- single failures ----------------------------------------------------------------------------------------


def worst_outcome(f: Failure) -> PathOutcome | None:
    """The path that fares worst: by state, then over the SLA, then the slowest."""
    return f.worst_path


def human_reason(titles: dict[str, str], p: PathOutcome, lost: str | None = None) -> str:
    """Why a path is degraded or failing, in the page's words, blocks named by their titles; ``lost``: the block
    the failure takes down (already named in its row, so not named again)."""
    if p.cause is None:
        return p.reason
    name = titles.get(p.cause, p.cause)
    if p.cause_kind == "overloaded":
        return f"{name} overloaded at {p.utilisation or 0:.0%}"
    if p.cause_kind == "down":
        return "nothing answers in its place" if p.cause == lost else f"{name} is down; nothing answers in its place"
    answer = ("its own fallback" if p.answered_by is None else
              f"the fallback of {titles.get(p.answered_by, p.answered_by)}" if p.callers_fallback else
              titles.get(p.answered_by, p.answered_by))
    return f"{answer} answers in its place" if p.cause == lost else f"{name} is down; {answer} answers"


def _target(f: Failure, titles: dict[str, str]) -> str:
    return titles.get(f.target, f.target) if f.kind in ("replica", "block") else f.target


def tiers_changed(design: Design, f: Failure) -> list[dict[str, Any]]:
    """The tiers whose replicas or load the failure changes: replicas and utilisation before and after."""
    titles = titles_of(design)
    return [{"Tier": titles.get(t.block, t.block),
             "Replicas before": t.replicas_before,
             "Replicas after": t.replicas_after,
             "Utilisation before": f"{t.utilisation_before:.0%}",
             "Utilisation after": "down" if t.utilisation_after is None else
             f"{t.utilisation_after:.0%}" + (" (saturated)" if t.saturated else "")}
            for t in f.tiers]


def _why(f: Failure, worst: PathOutcome | None, titles: dict[str, str], several: bool) -> str:
    if worst is None:
        return "no serving path reaches it"
    lost = f.target if f.kind == "block" else None
    if worst.reason:
        why = human_reason(titles, worst, lost)
    else:
        why = "every block still runs"
        if f.kind == "replica":
            tier = next((t for t in f.tiers if t.block == f.target), None)
            if tier is not None:
                why = f"{tier.replicas_after} of {tier.replicas_before} replicas left; {why}"
    if worst.over_sla and worst.p99_ms is not None:
        why += f"; p99 {fmt_ms(worst.p99_ms)} is over the SLA"
    if several:
        why = f"{titles.get(worst.entry, worst.entry)}: {why}"
    return why


def ranked(failures: Sequence[Failure]) -> list[Failure]:
    """The failures worst first: failing, then degraded, then kept; over the SLA first; the slowest first."""
    def rank(f: Failure) -> tuple[float, ...]:
        worst = worst_outcome(f)
        state = worst.state if worst is not None else "kept"
        p99 = worst.p99_ms if worst is not None else None
        return (-SEVERITY[state], -(worst.over_sla if worst is not None else 0),
                -(p99 if p99 is not None else 1e18), KIND_ORDER.get(f.kind, 9))

    return sorted(failures, key=rank)


def what_if_rows(design: Design, failures: Sequence[Failure]) -> list[dict[str, Any]]:
    """One row per failure, in the order given (see ``ranked``): outcome, failure, what is lost, p99 after,
    against the SLA, why."""
    titles = titles_of(design)
    several = len({p.entry for f in failures for p in f.paths}) > 1
    sla = design.requirements.sla_p99_ms
    rows = []
    for f in failures:
        worst = worst_outcome(f)
        state = worst.state if worst is not None else "kept"
        p99 = worst.p99_ms if worst is not None else None
        verdict = ("no SLA set" if sla is None else "no answer" if p99 is None else
                   "over" if worst is not None and worst.over_sla else "within")
        rows.append({"Outcome": state, "Failure": KIND_LABEL.get(f.domain, f.domain),
                     "What is lost": _target(f, titles),
                     "p99 after (ms)": None if p99 is None else round(p99, 0 if p99 >= 10 else 1), "SLA": verdict,
                     "Why": _why(f, worst, titles, several)})
    return rows


def failure_lines(design: Design, f: Failure) -> list[str]:
    """Markdown: what one failure does to every serving path."""
    titles = titles_of(design)
    lost = f.target if f.kind == "block" else None
    out = []
    for p in f.paths:
        line = f"**{plain(titles.get(p.entry, p.entry))}**: {p.state}"
        if p.reason:
            line += f" — {plain(human_reason(titles, p, lost))}"
        if p.p99_ms is not None:
            verdict = " (over the SLA)" if p.over_sla else ""
            line += f"; p99 {fmt_ms(p.p99_ms)} at peak{verdict}"
        out.append(line)
    return out


def what_if_summary(failures: Sequence[Failure]) -> str:
    """'7 of 29 single failures break a serving path; 9 more degrade one; 13 leave every path running.'"""
    n = len(failures)
    if n == 0:
        return "No single failure to try: no serving path has a block that can fail."
    failing = sum(1 for f in failures if f.worst == "failing")
    degraded = sum(1 for f in failures if f.worst == "degraded")
    kept = n - failing - degraded
    slow = sum(1 for f in failures if f.worst == "kept" and any(p.over_sla for p in f.paths))
    verb = "breaks" if failing == 1 else "break"
    if failing == n:
        lead = "The only single failure" if n == 1 else f"All {count(n, 'single failure')}"
        parts = [f"**{lead}** {'breaks' if n == 1 else 'break'} a serving path (failing)"]
    else:
        parts = [f"**{failing} of {count(n, 'single failure')}** {verb} a serving path (failing)"]
    if degraded:
        parts.append(f"{degraded} more {'degrades' if degraded == 1 else 'degrade'} one (a fallback answers)")
    if kept:
        tail = f"{kept} {'leaves' if kept == 1 else 'leave'} every path running"
        if slow:
            tail += f", {slow} of them over the SLA"
        parts.append(tail)
    return "; ".join(parts) + "."


# -- the simulation -----------------------------------------------------------------------------------------


class SimulatedPathLike(Protocol):
    """What the page reads of ``mlsd.analysis.simulation.SimulatedPath``."""

    @property
    def entry(self) -> str: ...
    @property
    def requests(self) -> int: ...
    @property
    def p50_ms(self) -> float | None: ...
    @property
    def p99_ms(self) -> float | None: ...
    @property
    def p99_ci_ms(self) -> float | None: ...
    @property
    def model_p99_ms(self) -> float | None: ...
    @property
    def latencies_ms(self) -> tuple[float, ...]: ...


class SimulationLike(Protocol):
    """What the page reads of ``mlsd.analysis.simulation.SimulationResult``."""

    @property
    def load(self) -> float: ...
    @property
    def seed(self) -> int: ...
    @property
    def replications(self) -> int: ...
    @property
    def seconds(self) -> float: ...
    @property
    def simulated_seconds(self) -> float: ...
    @property
    def paths(self) -> Sequence[SimulatedPathLike]: ...
    @property
    def converged(self) -> bool: ...
    @property
    def note(self) -> str: ...


def simulation_rows(design: Design, result: SimulationLike) -> list[dict[str, Any]]:
    """Per path: the simulated p99 with its 95% CI beside the model's p99 at the same load."""
    titles = titles_of(design)
    rows = []
    for p in result.paths:
        diff = None
        if p.p99_ms is not None and p.model_p99_ms:
            share = (p.p99_ms - p.model_p99_ms) / p.model_p99_ms
            diff = "0%" if round(share * 100) == 0 else f"{share:+.0%}"
        rows.append({
            "Path": titles.get(p.entry, p.entry),
            "Simulated p99 (ms)": None if p.p99_ms is None else round(p.p99_ms, 1),
            "± 95% CI (ms)": None if p.p99_ci_ms is None else round(p.p99_ci_ms, 1),
            "Model p99 (ms)": None if p.model_p99_ms is None else round(p.model_p99_ms, 1),
            "Difference": diff or "—",
            "Simulated p50 (ms)": None if p.p50_ms is None else round(p.p50_ms, 1),
            "Requests": p.requests,
        })
    return rows


def simulation_caption(result: SimulationLike) -> str:
    """How the run went: load, requests, replications, simulated and wall time, convergence."""
    requests = sum(p.requests for p in result.paths)
    text = (f"Simulated {count(requests, 'request')} at {fmt_load(result.load)} peak in "
            f"{count(result.replications, 'replication')} ({result.simulated_seconds:,.1f} s of traffic, "
            f"{result.seconds:,.1f} s to run, seed {result.seed}). ")
    text += ("The p99's 95% confidence interval reached its target." if result.converged else
             "The run stopped at its time budget before the p99's confidence interval reached its target: "
             "read the ± as the uncertainty left.")
    return text


NUMBER_LABELS = {"p99_ms": "p99", "p50_ms": "p50", "qps_per_replica": "throughput per replica", "replicas": "replicas",
                 "ms_per_item": "cost per item"}


def kind_default_line(design: Design, analysis: Analysis) -> str | None:
    """Markdown: which tiers' numbers come from their kind's defaults (the user declared none), or None."""
    titles = titles_of(design)
    used = [(t.block, t.kind_defaults) for t in analysis.capacity.values() if t.queued and t.kind_defaults]
    if not used:
        return None
    shown = "; ".join(f"**{plain(titles.get(b, b))}**: {', '.join(NUMBER_LABELS.get(n, n) for n in names)}"
                      for b, names in used[:6])
    more = f"; and {len(used) - 6} more tiers" if len(used) > 6 else ""
    return (f"Kind defaults used (set them on the block to make these numbers yours): {shown}{more}.")
