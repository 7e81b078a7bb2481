"""``python -m mlsd validate --fix | --diff [--unsafe-fixes] FILE...``: apply the fixes to the files, as
``ruff --fix`` does.

``--fix`` applies the safe fixes (``--unsafe-fixes``: all) to each file in place, says on stderr what it fixed
and which suggestions need judgement, and then validation reports what is left. ``--diff`` changes nothing: it
prints each file's unified diff and the fixes it would apply, and exits 1 when a file would change (0 when none
would), as ``ruff --diff`` does.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import TextIO

from mlsd.cli.common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def run_fixes(args: argparse.Namespace, out: TextIO) -> int:
    """Fix (or, with ``--diff``, show the fixes of) every file; the exit code of ``--diff``, else 0 (2 on a file
    that is not a valid design, which is left untouched)."""
    from mlsd.config import file_settings
    from mlsd.fixes import apply_fixes
    from mlsd.fixes.files import file_format, patched_text, unified_diff
    from mlsd.io import DesignError, loads
    from mlsd.rules import check

    changed = bad = 0
    for path in args.files:
        try:
            text = Path(path).read_text(encoding="utf-8")
            design = loads(text, "yaml" if file_format(path) == "yaml" else None, source=path)
        except (OSError, UnicodeDecodeError) as exc:
            sys.stderr.write(f"{path}: cannot read file: {exc}\n")
            bad += 1
            continue
        except DesignError as exc:
            for problem in exc.problems:
                sys.stderr.write(f"{exc.source}: {problem}\n")
            bad += 1
            continue
        settings = file_settings(path, args.config)
        result = apply_fixes(design, unsafe=args.unsafe_fixes, check=partial(check, settings=settings))
        for s in result.suggestions:
            sys.stderr.write(f"{path}: suggestion ({s.finding.id}, needs judgement, --unsafe-fixes applies it): "
                             f"{s.fix.title}: {s.summary}\n")
        if not result.applied:
            continue
        after = patched_text(text, file_format(path), design, result.design)
        if after == text:
            continue
        changed += 1
        if args.diff:
            out.write(unified_diff(path, text, after))
            for p in result.applied:
                out.write(f"# would fix {p.finding.id} ({p.fix.id}): {p.summary}\n")
            continue
        Path(path).write_text(after, encoding="utf-8")
        sys.stderr.write(f"{path}: fixed {_plural(len(result.applied), 'finding')}: "
                         + "; ".join(f"{p.finding.id} ({p.summary})" for p in result.applied) + "\n")
    if bad:
        return EXIT_BAD_INPUT
    if args.diff:
        sys.stderr.write(f"{_plural(changed, 'file')} would be changed\n")
        return EXIT_FINDINGS if changed else EXIT_OK
    return EXIT_OK
