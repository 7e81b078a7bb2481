"""``python -m mlsd validate FILE...``: the checklists as a linter, for people and for CI.

Formats: ``text`` (for a person: the numbers first, then findings by checklist category), ``json`` and ``sarif``
(compact; ``--verbose`` adds each path's reachable blocks and connections), ``junit`` (JUnit XML: one testsuite
per design, one testcase per rule, one failure per finding that fails the gate).

Gates, and the exit code that says which one failed (the first that applies):

- 2: a file is not a valid design, or the baseline cannot be read (one line per problem on stderr).
- 1: an unwaived finding not in the baseline, at or above ``--fail-on``, at the design's own peak.
- 4: with ``--load X``: the design passes at its peak but not at X times it (requirements.peak_qps scaled by X,
  every rule run on the analysis at that load): a distinct code, so that a pipeline can tell "broken today" from
  "breaks when traffic doubles" and, if it likes, treat the second as a warning.
- 0: otherwise.

``--write-baseline FILE`` records the current findings' stable ids (``rule@blocks``) and exits 0 (2 on bad input);
``--baseline FILE`` then lets those findings stand (shown and counted as baselined) while new ones fail.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from mlsd.cli.common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_LOAD, EXIT_OK, UsageError

if TYPE_CHECKING:
    from mlsd.model import Design
    from mlsd.report import AtLoad
    from mlsd.rules import Report
    from mlsd.settings import Settings

FORMATS = ("text", "json", "sarif", "junit")
MAX_LOAD = 100.0


def load_factor(text: str) -> float:
    """``--load``: one multiple of the peak above 0 and at most ``MAX_LOAD`` (``2``, ``2.0``, ``2x``)."""
    part = text.strip().removesuffix("x").removesuffix("×")
    try:
        value = float(part)
    except ValueError:
        raise argparse.ArgumentTypeError(f"takes one multiple of the peak such as 2.0; got {text!r}") from None
    if not 0 < value <= MAX_LOAD:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be above 0 and at most {MAX_LOAD:g}; got {text!r}")
    return value


def at_load(design: Design, load: float) -> Design:
    """The design with its declared peak scaled by ``load`` (unchanged when it declares none)."""
    req = design.requirements
    if req.peak_qps is None:
        return design
    return design.model_copy(update={"requirements": req.model_copy(update={"peak_qps": req.peak_qps * load})})


def judge_at_load(design: Design, report: Report, load: float, known: dict[str, int] | None,
                  settings: Settings | None = None) -> AtLoad:
    """The design checked at ``load`` × its peak: every rule, on the analysis of the scaled design."""
    from mlsd.baseline import apply_baseline
    from mlsd.report import AtLoad, new_at_load
    from mlsd.rules import check

    scaled = at_load(design, load)
    loaded = check(scaled, settings=settings)
    if known:
        loaded = apply_baseline(loaded, known)
    return AtLoad(load, scaled.requirements.peak_qps, loaded, new_at_load(report, loaded))


def run(args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.baseline import BaselineError, apply_baseline, file_key, load_baseline, write_baseline
    from mlsd.config import ConfigError, file_settings
    from mlsd.io import DesignError, load_file
    from mlsd.report import gates, write_validation
    from mlsd.rules import check

    if args.fix or args.diff:
        from mlsd.cli.fix import run_fixes

        try:
            code = run_fixes(args, out)
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
        if args.diff or code:
            return code
    designs = []
    bad = False
    for path in args.files:
        try:
            designs.append((path, load_file(path)))
        except DesignError as exc:
            bad = True
            for problem in exc.problems:
                sys.stderr.write(f"{exc.source}: {problem}\n")  # the path made printable (one line)
    try:
        baseline = load_baseline(args.baseline) if args.baseline else {}
    except BaselineError as exc:
        raise UsageError(str(exc)) from None
    if bad:
        return EXIT_BAD_INPUT
    try:  # the nearest config file's settings (mlsd.toml, or pyproject.toml [tool.mlsd]), or --config
        settings = [file_settings(path, args.config) for path, _ in designs]
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    reports = [(path, check(design, settings=s)) for (path, design), s in zip(designs, settings, strict=True)]
    if args.write_baseline:
        write_baseline(args.write_baseline, reports)
        n = sum(1 for _, r in reports for f in r.findings if not f.waived)
        sys.stderr.write(f"wrote {n} finding{'s' if n != 1 else ''} of {len(reports)} design"
                         f"{'s' if len(reports) != 1 else ''} to the baseline {args.write_baseline}\n")
        return EXIT_OK
    reports = [(path, apply_baseline(r, baseline.get(file_key(path), {}))) for path, r in reports]
    loads: list[AtLoad | None] | None = None
    if args.load is not None:
        loads = [judge_at_load(design, report, args.load, baseline.get(file_key(path)), s)
                 for (path, design), (_, report), s in zip(designs, reports, settings, strict=True)]
    write_validation(reports, args.format, out, args.fail_on, args.verbose, loads)
    if any(gates(r.findings, args.fail_on) for _, r in reports):
        return EXIT_FINDINGS
    if loads and any(gates(a.report.findings, args.fail_on) for a in loads if a is not None):
        return EXIT_LOAD
    return EXIT_OK


def add_validate_parser(sub: Any) -> None:
    """The ``validate`` command."""
    p = sub.add_parser(
        "validate", help="check design files against the checklists",
        description="Check design files against the checklists. Exit codes: 0 nothing fails; 1 a finding at or "
        "above --fail-on at the design's peak (not waived, not in the baseline); 4 (with --load) the design passes "
        "at its peak but fails at --load times it; 2 a file is not a valid design or the baseline is unreadable.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text for people; json, sarif (code scanning) or junit (test reports) for tools")
    p.add_argument("--fail-on", choices=("error", "warning", "info", "never"), default="error",
                   help="exit 1 when an unwaived finding of this severity or worse exists (default: error)")
    p.add_argument("--load", type=load_factor, metavar="X",
                   help="also judge each design at X times its peak_qps (e.g. 2.0) with the analysis' load models; "
                   "exit 4 when it passes at its peak but fails there")
    p.add_argument("--baseline", metavar="FILE",
                   help="findings recorded in this baseline do not fail the run (new ones do)")
    p.add_argument("--write-baseline", metavar="FILE",
                   help="record the current findings as the baseline FILE and exit 0")
    p.add_argument("--verbose", action="store_true",
                   help="json/sarif: also list every block and connection each request path can reach")
    p.add_argument("--config", metavar="PATH",
                   help="read settings from this file (default: the nearest mlsd.toml or pyproject.toml [tool.mlsd])")
    p.add_argument("--fix", action="store_true",
                   help="apply the safe fixes to the files, then report what is left (as ruff --fix)")
    p.add_argument("--diff", action="store_true",
                   help="print the changes --fix would make, change nothing; exit 1 when a file would change")
    p.add_argument("--unsafe-fixes", action="store_true",
                   help="with --fix or --diff: also apply the fixes that need judgement (the suggestions)")
    p.set_defaults(func=run)
