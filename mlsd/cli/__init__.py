"""The command line: ``python -m mlsd catalog|schema|validate|render|convert|rules|prompts|analyze|explain|size|
library|mcp``.

One module per command group: ``validate`` (the checklists as a linter), ``analyze`` (numbers under load),
``explain`` (where each number comes from), ``size`` (the cheapest configuration that holds), ``convert`` (between
file formats), ``library`` (the design store); the small design commands (catalog, schema, render, rules, prompts)
live here.
Each module imports what its command needs when it runs, so ``--help`` and ``--version`` stay fast.

``mcp`` serves the tools of ``mlsd.cli.mcp.tools`` to AI assistants (``mlsd.cli.mcp.server``; the SDK loads only there).

Exit codes: 0 = fine; 1 = findings at or above ``--fail-on``; 2 = bad input (one clear line per problem on
stderr, never a traceback); 3 = a library save conflict; 4 = ``validate --load``: fails only under the load.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from mlsd import __version__
from mlsd.cli.common import EXIT_BAD_INPUT, EXIT_CONFLICT, EXIT_FINDINGS, EXIT_OK, UsageError

__all__ = ["EXIT_BAD_INPUT", "EXIT_CONFLICT", "EXIT_FINDINGS", "EXIT_OK", "UsageError", "build_parser", "main", "run"]


def _catalog(args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.catalog import CATEGORIES, KINDS

    if args.format == "json":
        rows = [
            {
                "kind": k.kind,
                "label": k.label,
                "category": k.category,
                "tier": k.tier,
                "purpose": k.purpose,
                "shape": k.shape,
                "color": CATEGORIES[k.category].color,
                "props": dict(k.props),
                "source": k.source,
            }
            for k in KINDS.values()
        ]
        json.dump(rows, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return EXIT_OK
    for cat in CATEGORIES.values():
        kinds = [k for k in KINDS.values() if k.category == cat.id]
        out.write(f"{cat.label} ({len(kinds)})\n")
        for k in kinds:
            out.write(f"  {k.kind:<24} {k.tier:<7} {k.label} - {k.purpose}\n")
    out.write(f"{len(KINDS)} kinds in {len(CATEGORIES)} categories\n")
    return EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.schema import design_schema

    json.dump(design_schema(), out, indent=2, ensure_ascii=False)
    out.write("\n")
    return EXIT_OK


def _render(args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.formats import render
    from mlsd.io import load_file

    design = load_file(args.file)
    text = render(design, args.format)
    out.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def _rules(args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.report.catalog import rules_json, rules_markdown, rules_text

    if args.show_config:
        return _show_config(args, out)
    if args.format == "json":
        json.dump(rules_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif args.format == "markdown":
        out.write(rules_markdown())
    else:
        out.write(rules_text())
    return EXIT_OK


def _show_config(args: argparse.Namespace, out: TextIO) -> int:
    """``rules --show-config``: the effective settings for designs in the current folder (or ``--config``)."""
    from mlsd.config import ConfigError, settings_for
    from mlsd.settings import Settings

    try:
        settings = settings_for(args.start or ".", args.config) or Settings()
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    data = settings.to_dict()
    if args.format == "json":
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return EXIT_OK
    for key, value in data.items():
        shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        out.write(f"{key:<17} {shown}\n")
    return EXIT_OK


def _mcp(args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.cli.mcp.server import serve

    serve()
    return EXIT_OK


def _prompts(args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.practice.prompts import prompts_json, prompts_text

    if args.format == "json":
        json.dump(prompts_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(prompts_text())
    return EXIT_OK


def _top_parser() -> tuple[argparse.ArgumentParser, Any]:
    parser = argparse.ArgumentParser(
        prog="python -m mlsd",
        description="MLSD Whiteboard: ML system designs, checked against engineering checklists.",
    )
    parser.add_argument("--version", action="version", version=f"mlsd {__version__}")
    return parser, parser.add_subparsers(dest="command", required=True, metavar="COMMAND")


def _validate_parser() -> argparse.ArgumentParser:
    """The parser with ``validate`` alone: what ``python -m mlsd validate ...`` needs (the command CI runs on
    every commit does not import, nor build the parsers of, the analyze and library commands)."""
    from mlsd.cli.validate import add_validate_parser

    parser, sub = _top_parser()
    add_validate_parser(sub)
    return parser


def build_parser() -> argparse.ArgumentParser:
    from mlsd.cli.analyze import add_analyze_parser
    from mlsd.cli.convert import add_convert_parser
    from mlsd.cli.explain import add_explain_parser
    from mlsd.cli.library import add_library_parser
    from mlsd.cli.size import add_size_parser
    from mlsd.cli.validate import add_validate_parser

    parser, sub = _top_parser()

    p = sub.add_parser("catalog", help="list the building-block kinds")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_catalog)

    p = sub.add_parser("schema", help="print the JSON Schema of the design format")
    p.set_defaults(func=_schema)

    add_validate_parser(sub)

    p = sub.add_parser("render", help="draw a design as DOT, SVG, Mermaid or a Markdown report")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=("dot", "svg", "mermaid", "markdown"), default="dot")
    p.set_defaults(func=_render)

    add_convert_parser(sub)

    p = sub.add_parser("rules", help="list the checklist rules (or, with --show-config, the effective settings)")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--show-config", action="store_true",
                   help="print the settings in effect (the nearest mlsd.toml or pyproject.toml [tool.mlsd], "
                   "or --config)")
    p.add_argument("--config", metavar="PATH", help="with --show-config: read this config file")
    p.add_argument("start", nargs="?", metavar="PATH",
                   help="with --show-config: the design file or folder to find the config from (default: .)")
    p.set_defaults(func=_rules)

    p = sub.add_parser("mcp", help="serve validate, analyze, what-if, explain, size and fix to AI assistants (MCP, "
                       "stdio)", description="Run a Model Context Protocol server on stdin/stdout: tools validate, "
                       "analyze, what_if, explain, size and fix on a design file path or design JSON text.")
    p.set_defaults(func=_mcp)

    p = sub.add_parser("prompts", help="list the interview-practice prompts")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_prompts)


    add_analyze_parser(sub)
    add_explain_parser(sub)
    add_size_parser(sub)
    add_library_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the CLI; return the exit code. Bad input is one line per problem on stderr, never a traceback."""
    stream = out or sys.stdout
    words = sys.argv[1:] if argv is None else list(argv)
    parser = _validate_parser() if words[:1] == ["validate"] else build_parser()
    args = parser.parse_args(words)
    func: Any = args.func
    from mlsd.io import DesignError

    try:
        return int(func(args, stream))
    except DesignError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{exc.source + ': ' if exc.source else ''}{problem}\n")
        return EXIT_BAD_INPUT
    except UsageError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK


def run() -> None:
    """The ``mlsd`` console script (``pip install .``): ``python -m mlsd`` under a shorter name; a process of
    its own, so it first tunes the interpreter for one short run (``mlsd.cli.process``)."""
    from mlsd.cli.process import finish, tune

    command = sys.argv[1] if len(sys.argv) > 1 else None
    tune(command)
    finish(main(), command)
