"""``python -m mlsd convert IN OUT``: a design from one format to another (``mlsd.formats``).

Formats come from the file extensions (``.json``, ``.yaml``, ``.mmd``, ``.drawio``, ``.excalidraw`` in and out;
``.dot``, ``.svg``, ``.md`` out only); ``--from``/``--to`` override them; ``OUT`` ``-`` writes to stdout.
Blocks whose kind no data, class or keyword resolved become ``generic`` (``--kind BLOCK=KIND`` picks one), and
each is named on stderr, as is every element not imported. Unreadable input is exit 2 with one line per
problem, and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from mlsd.cli.common import EXIT_OK, UsageError


def add_convert_parser(sub: Any) -> None:
    from mlsd.formats import READABLE, REGISTRY

    p = sub.add_parser("convert", help="convert a design between JSON, YAML, Mermaid, draw.io, Excalidraw (and "
                                       "to DOT, SVG, Markdown)")
    p.add_argument("input", metavar="IN", help="the file to read (format from its extension)")
    p.add_argument("output", metavar="OUT", help="the file to write (format from its extension), or - for stdout")
    p.add_argument("--from", dest="source_format", choices=READABLE, help="the input's format")
    p.add_argument("--to", dest="target_format", choices=tuple(REGISTRY), help="the output's format")
    p.add_argument("--kind", action="append", default=[], metavar="BLOCK=KIND",
                   help="the kind of an imported block no keyword resolved (repeatable); others become generic")
    p.set_defaults(func=convert)


def _kinds(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        block, sep, kind = pair.partition("=")
        if not sep or not block or not kind:
            raise UsageError(f"--kind takes BLOCK=KIND, got {pair!r}")
        out[block] = kind
    return out


def convert(args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.formats import READABLE, dump, format_of, load
    from mlsd.io import MAX_FILE_BYTES, DesignError

    source_fmt = args.source_format or format_of(args.input)
    if source_fmt not in READABLE:
        raise UsageError(f"cannot tell the format of {args.input!r} from its extension; use --from "
                         f"({', '.join(READABLE)})")
    target_fmt = args.target_format or (format_of(args.output) if args.output != "-" else None)
    if target_fmt is None:
        raise UsageError(f"cannot tell the format to write from {args.output!r}; use --to")
    try:
        with open(args.input, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise DesignError([f"cannot read file: {exc.strerror or exc}"], args.input) from None
    if len(raw) > MAX_FILE_BYTES:
        raise DesignError([f"file is larger than {MAX_FILE_BYTES // 2**20} MB, the limit for imports"], args.input)
    draft = load(raw, source_fmt, args.input)
    kinds = _kinds(args.kind)
    design = draft.build(kinds, args.input)
    for line in draft.skipped:
        sys.stderr.write(f"{args.input}: not imported: {line}\n")
    for block in draft.unresolved():
        if block.id not in kinds:
            sys.stderr.write(f"{args.input}: {block.element} {block.label[:60]!r}: no kind found; made generic "
                             f"(pick one with --kind {block.id}=KIND)\n")
    text = dump(design, target_fmt)
    if args.output == "-":
        out.write(text)
    else:
        target = Path(args.output)
        tmp = target.with_name(target.name + ".tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(target)
        except OSError as exc:
            raise DesignError([f"cannot write file: {exc.strerror or exc}"], args.output) from None
    return EXIT_OK
