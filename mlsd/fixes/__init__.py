"""Fixes: findings whose remedy is mechanical, offered as edits of the design (``mlsd.edit``), as ``ruff --fix`` does.

A fix is a small registered object (``Fix``): its id, the rules whose findings it answers, whether it is *safe*
(it does what the finding asks and nothing a person must decide: ``validate --fix`` applies it) or needs judgement
(a suggestion: shown, previewed and applied one by one on the Board, or by ``--unsafe-fixes``), and a function
``(design, finding, ctx) -> Change | None``: the edited design and one line saying what changed, or None when
the fix does not apply to this finding. ``ctx`` is the rules' ``Context`` of the design the finding came from
(its analysis gives the numbers a fix needs). Every fix function is documented by its docstring, which names
the rule and the model its numbers come from.

``offers(report)`` lists, cheaply, which fix answers which active finding (by the fix's rules and its optional
``applies`` check, which makes no edit); each ``Offer`` computes its edit only when asked (``Offer.proposal``), so
the Board can list fixes on a large design without editing it once per finding. ``proposals(report)`` lists
what the registered fixes offer for a report's active findings, every edit made; ``apply_fixes``
applies the safe ones (and, when asked, the unsafe ones) in rounds until nothing more applies, re-checking the
design between rounds. Fix modules register on import (``load_fixes``); nothing here imports Streamlit.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlsd.io import DesignError

if TYPE_CHECKING:
    from mlsd.model import Design
    from mlsd.rules import Finding, Report
    from mlsd.rules.context import Context

Change = tuple["Design", str]  # the edited design, and what changed in one line
FixFunc = Callable[["Design", "Finding", "Context"], "Change | None"]
AppliesFunc = Callable[["Design", "Finding", "Context"], bool]

FIX_MODULES = ("capacity", "endpoints", "latency", "monitoring", "privacy", "training")
MAX_ROUNDS = 4  # apply, re-check, apply what the new report offers ...: a fix may uncover the next (ruff: 100)


@dataclass(frozen=True)
class Fix:
    """A registered fix: what it does, which rules' findings it answers, whether ``--fix`` may apply it."""

    id: str
    rules: tuple[str, ...]
    safe: bool
    title: str
    func: FixFunc = field(repr=False, compare=False)
    applies: AppliesFunc | None = field(default=None, repr=False, compare=False)

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")


@dataclass(frozen=True)
class Proposal:
    """What one fix offers for one finding: the edited design and a line saying what changes."""

    fix: Fix
    finding: Finding
    design: Design
    summary: str

    @property
    def safe(self) -> bool:
        return self.fix.safe

    def to_dict(self) -> dict[str, object]:
        return {"fix": self.fix.id, "title": self.fix.title, "safe": self.fix.safe, "finding": self.finding.id,
                "rule": self.finding.rule, "summary": self.summary}


FIXES: dict[str, Fix] = {}


def fix(id: str, rules: Iterable[str], safe: bool, title: str,
        applies: AppliesFunc | None = None) -> Callable[[FixFunc], FixFunc]:
    """Register a fix function; a duplicate id or a missing docstring is refused. ``applies`` is an optional
    cheap check (no edit made) that the fix has something to do for a finding: False means the function would
    return None, so the Board does not list it; True (or no check) means it probably applies."""

    def register(func: FixFunc) -> FixFunc:
        if id in FIXES:
            raise ValueError(f"fix {id!r} is registered twice")
        if not (func.__doc__ or "").strip():
            raise ValueError(f"fix {id!r}: a fix's docstring is its documentation and must not be empty")
        FIXES[id] = Fix(id, tuple(rules), safe, title, func, applies)
        return func

    return register


def load_fixes() -> dict[str, Fix]:
    """Import every fix module once (which registers its fixes); the registry."""
    for name in FIX_MODULES:
        importlib.import_module(f"mlsd.fixes.{name}")
    return FIXES


def fixes_for(rule_id: str) -> list[Fix]:
    """The fixes that answer findings of a rule, safe ones first."""
    return sorted((f for f in load_fixes().values() if rule_id in f.rules), key=lambda f: (not f.safe, f.id))


def propose(design: Design, finding: Finding, ctx: Context, fixes: Iterable[Fix] | None = None) -> list[Proposal]:
    """What each fix answering the finding's rule offers for it (a fix that does not apply offers nothing; one
    whose edit the design refuses is left out)."""
    out = []
    for f in fixes_for(finding.rule) if fixes is None else fixes:
        try:
            change = f.func(design, finding, ctx)
        except DesignError:
            continue
        if change is not None and change[0] != design:
            out.append(Proposal(f, finding, change[0], change[1]))
    return out


class Offer:
    """A fix that answers a finding, its edit not made yet: ``proposal()`` makes it (once) and says what it changes,
    or None when, tried, the fix turns out to have nothing to do (or the design refuses its edit)."""

    def __init__(self, fix: Fix, finding: Finding, design: Design, ctx: Context) -> None:
        self.fix, self.finding, self.design, self.ctx = fix, finding, design, ctx
        self._tried = False
        self._proposal: Proposal | None = None

    @property
    def safe(self) -> bool:
        return self.fix.safe

    @property
    def tried(self) -> bool:
        """Whether ``proposal()`` has been computed."""
        return self._tried

    def proposal(self) -> Proposal | None:
        if not self._tried:
            got = propose(self.design, self.finding, self.ctx, [self.fix])
            self._proposal = got[0] if got else None
            self._tried = True
        return self._proposal


def offers(report: Report) -> list[Offer]:
    """The fixes answering the report's active findings (not waived, not baselined), in finding order, safe ones
    first per finding, without making any edit: a fix is offered when it answers the finding's rule and its
    ``applies`` check (when it has one) passes."""
    out = []
    for finding in report.findings:
        if finding.waived or finding.baselined:
            continue
        for f in fixes_for(finding.rule):
            if f.applies is None or f.applies(report.design, finding, report.context):
                out.append(Offer(f, finding, report.design, report.context))
    return out


def proposals(report: Report) -> list[Proposal]:
    """Every fix offered for the report's active findings (not waived, not baselined), in finding order."""
    out = []
    for finding in report.findings:
        if not finding.waived and not finding.baselined:
            out.extend(propose(report.design, finding, report.context))
    return out


@dataclass(frozen=True)
class FixResult:
    """What ``apply_fixes`` did: the fixed design, the fixes applied, and those left as suggestions."""

    design: Design
    applied: tuple[Proposal, ...]
    suggestions: tuple[Proposal, ...]


def apply_fixes(design: Design, *, unsafe: bool = False, check: Callable[[Design], Report] | None = None,
                rounds: int = MAX_ROUNDS) -> FixResult:
    """Apply every safe fix (and every unsafe one with ``unsafe``) to the design, in rounds.

    Each round checks the design, asks each finding's fixes for an edit *of the design as edited so far* (so two
    fixes of one round compose; the numbers a fix needs come from that round's analysis) and applies one fix
    per finding, the first that applies. A round that applies nothing ends; so does the last. ``check`` is the
    checker to use (``mlsd.rules.check`` by default; ``validate`` passes one that honours the config). The
    suggestions are what the last report still offers that was not applied (unsafe fixes, without ``unsafe``).
    """
    if check is None:
        from mlsd.rules import check as check_all

        check = check_all
    applied: list[Proposal] = []
    current = design
    suggested: list[Offer] = []  # the round's suggestions, tried only for the last round (the ones returned)
    for _ in range(rounds):
        report = check(current)
        suggested = []
        changed = False
        for finding in report.findings:
            if finding.waived or finding.baselined:
                continue
            for f in fixes_for(finding.rule):
                if not (f.safe or unsafe):
                    suggested.append(Offer(f, finding, report.design, report.context))
                    continue
                got = propose(current, finding, report.context, [f])
                if got:
                    applied.append(got[0])
                    current = got[0].design
                    changed = True
                    break
        if not changed:
            break
    suggestions = [p for o in suggested if (p := o.proposal()) is not None]
    return FixResult(current, tuple(applied), tuple(suggestions))


__all__ = ["FIXES", "AppliesFunc", "Change", "Fix", "FixResult", "Offer", "Proposal", "apply_fixes", "fix",
           "fixes_for", "load_fixes", "offers", "proposals", "propose"]
