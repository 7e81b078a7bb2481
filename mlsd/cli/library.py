"""``python -m mlsd library ...``: the design library from the command line (the same store the app uses).

Every action takes ``--db PATH`` (default: ``$MLSD_DB``, else the user data directory) and goes through the same
roles as the app (``mlsd.store.access.UserStore``): ``--as EMAIL`` names who acts, a member of the library's
workspaces, who sees and changes only what their role allows (a viewer reads; an editor also imports, saves and
trashes) and is recorded as the author. Without ``--as``, a library used only without sign-in (no workspace has a
member) is the local single user's, as in the app; a library with members (team mode) refuses to guess. Exit
codes: 0 fine, 2 bad input, an unusable database or a change or read the person may not make (one line on
stderr; nothing written), 3 a save conflict (nothing was saved).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from mlsd.cli.common import EXIT_CONFLICT, UsageError

if TYPE_CHECKING:
    from mlsd.store import Actor, DesignSummary, RevisionInfo, Store, UserStore

Action = Callable[["UserStore", argparse.Namespace, TextIO], int]
Preload = Callable[[argparse.Namespace], int]


def export_filename(name: str, design_id: str) -> str:
    """A safe file name for an exported design: ``<slug of name>-<id>.json`` (no separators, no leading dot)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:60].strip("-") or "design"
    safe_id = re.sub(r"[^A-Za-z0-9_-]", "", design_id) or "id"
    return f"{slug}-{safe_id}.json"


def _clean(text: str) -> str:
    """Text for a terminal line: control characters (newlines, escapes) shown as ``?``."""
    return "".join("?" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)


def acting(store: Store, person: str | None, name: str | None = None) -> Actor:
    """Who acts (see the module docstring): ``person`` (``--as``), else the local user of a library without
    members; StoreError naming ``--as`` for a library with members."""
    from mlsd.store import LOCAL_ACTOR, Actor, StoreError, actor_for

    name = (name or "").strip()
    if person is not None:
        return actor_for(person.strip(), name)
    if store.has_members():
        raise StoreError("this library has workspaces with members (it is used with sign-in): say who you are "
                         "with --as EMAIL; you can do what your role in each workspace allows")
    return Actor(LOCAL_ACTOR.person, name, local=True) if name else LOCAL_ACTOR


def _run(action: Action, preload: Preload | None = None) -> Callable[[argparse.Namespace, TextIO], int]:
    """Read the input files (``preload``; nonzero = bad input), then open the store, run the action as the person
    acting (``acting``), close; store errors (a refused role too) become exit 2, conflicts exit 3. Bad input never
    opens the store, so it never creates or touches it."""

    def run(args: argparse.Namespace, out: TextIO) -> int:
        from mlsd.store import ConflictError, PermissionDenied, StoreError, UserStore, open_store

        if preload is not None and (code := preload(args)):
            return code
        try:
            store = open_store(args.db)
        except StoreError as exc:
            raise UsageError(str(exc)) from None
        try:
            view = UserStore(store, acting(store, args.person, getattr(args, "author", None)),
                             workspace=getattr(args, "workspace", None))
            return action(view, args, out)
        except ConflictError as exc:
            sys.stderr.write(f"{exc}\n")
            return EXIT_CONFLICT
        except PermissionDenied as exc:
            raise UsageError(f"not allowed: {exc}; nothing was changed") from None
        except StoreError as exc:
            raise UsageError(str(exc)) from None
        finally:
            store.close()

    return run


def _summary_json(s: DesignSummary) -> dict[str, Any]:
    data = asdict(s)
    data["tags"] = list(s.tags)
    return data


def _revision_json(r: RevisionInfo) -> dict[str, Any]:
    c = r.checks
    return {"design_id": r.design_id, "number": r.number, "created_at": r.created_at, "message": r.message,
            "author": r.author, "name": r.name, "errors": c.errors, "warnings": c.warnings, "infos": c.infos,
            "waived": c.waived, "score": c.score}


def _dump(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _score(value: int | None) -> str:
    return "-" if value is None else str(value)


def _load_imports(args: argparse.Namespace) -> int:
    """Read every file to import into ``args.designs``; on any bad file, say why and return 2."""
    from mlsd.io import DesignError, load_file

    designs = []
    bad = False
    for path in args.files:
        try:
            designs.append(load_file(path))
        except DesignError as exc:
            bad = True
            for problem in exc.problems:
                sys.stderr.write(f"{_clean(str(path))}: {problem}\n")
    if bad:
        sys.stderr.write("nothing was imported\n")
        return 2
    args.designs = designs
    return 0


def _import(store: UserStore, args: argparse.Namespace, out: TextIO) -> int:
    revisions = store.import_designs(args.designs, message=args.message, workspace=args.workspace)
    rows = [{"id": r.design_id, "name": r.name, "file": str(p)} for r, p in zip(revisions, args.files, strict=True)]
    if args.format == "json":
        _dump(rows, out)
    else:
        for row in rows:
            out.write(f"imported {row['id']}  {_clean(row['name'])}  (from {_clean(row['file'])})\n")
    return 0


def _list(store: UserStore, args: argparse.Namespace, out: TextIO) -> int:
    page = store.list_designs(search=args.search, tag=args.tag, limit=args.limit, offset=args.offset,
                              order=args.order, trash=args.trash)
    if args.format == "json":
        _dump([_summary_json(s) for s in page.items], out)
        return 0
    if not page.items:
        out.write("the trash is empty\n" if args.trash else "no designs (add some with `library import FILE...`)\n")
        return 0
    out.write(f"{'ID':<16}  {'REVS':>4}  {'ERR':>3}  {'WARN':>4}  {'SCORE':>5}  {'UPDATED':<20}  NAME\n")
    for s in page.items:
        out.write(f"{s.id:<16}  {s.revisions:>4}  {s.errors:>3}  {s.warnings:>4}  {_score(s.score):>5}  "
                  f"{s.updated_at[:19]:<20}  {_clean(s.name)}\n")
    out.write(f"{len(page.items)} of {page.total} design(s)\n")
    return 0


def _history(store: UserStore, args: argparse.Namespace, out: TextIO) -> int:
    revisions = store.history(args.id)
    if args.format == "json":
        _dump([_revision_json(r) for r in revisions], out)
        return 0
    for r in revisions:
        who = f"  by {_clean(r.author)}" if r.author else ""
        out.write(f"{r.number:>4}  {r.created_at[:19]}  errors {r.checks.errors}, warnings {r.checks.warnings}, "
                  f"score {_score(r.checks.score)}  {_clean(r.message)}{who}\n")
    return 0


def _show(store: UserStore, args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.io import dumps

    out.write(dumps(store.open(args.id, args.revision).design))
    return 0


def _load_save(args: argparse.Namespace) -> int:
    """Read the file to save into ``args.loaded`` (a bad file raises DesignError: exit 2)."""
    from mlsd.io import load_file

    args.loaded = load_file(args.file)
    return 0


def _save(store: UserStore, args: argparse.Namespace, out: TextIO) -> int:
    rev = store.save(args.design, args.loaded, base_revision=args.base_revision, message=args.message)
    if args.format == "json":
        _dump(_revision_json(rev), out)
    else:
        out.write(f"saved {rev.design_id} revision {rev.number}  {_clean(rev.name)}\n")
    return 0


def _export(store: UserStore, args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.io import save_file

    folder = Path(args.out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create folder {args.out}: {exc.strerror or exc}") from None
    count = 0
    for summary, design in store.export_designs():
        path = folder / export_filename(summary.name, summary.id)
        try:
            save_file(design, path)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
        out.write(f"wrote {_clean(str(path))}\n")
        count += 1
    out.write(f"exported {count} design(s) to {_clean(str(folder))}\n")
    return 0


def _delete(store: UserStore, args: argparse.Namespace, out: TextIO) -> int:
    store.delete(args.id)
    out.write(f"moved {args.id} to the trash (undo: library restore {args.id})\n")
    return 0


def _restore(store: UserStore, args: argparse.Namespace, out: TextIO) -> int:
    store.restore(args.id)
    out.write(f"restored {args.id} from the trash\n")
    return 0


def _purge(store: UserStore, args: argparse.Namespace, out: TextIO) -> int:

    if not args.yes:
        raise UsageError("purge deletes a trashed design and its history for good; add --yes to confirm")
    store.purge(args.id, confirm=True)
    out.write(f"deleted {args.id} for good\n")
    return 0


def _diff(store: UserStore, args: argparse.Namespace, out: TextIO) -> int:
    from mlsd.diff import diff_designs

    old = store.open(args.id, args.from_revision)
    new = store.open(args.id, args.to_revision)
    diff = diff_designs(old.design, new.design)
    if args.format == "json":
        _dump({"from": old.number, "to": new.number, **diff.to_dict()}, out)
        return 0
    out.write(f"{args.id}: revision {old.number} -> {new.number}\n")
    for line in diff.lines() or ["no changes"]:
        out.write(_clean(line) + "\n")
    return 0


def _whole(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected {minimum} or more, got {value}")
    return value


def _positive(text: str) -> int:
    return _whole(text, 1)


def _count(text: str) -> int:
    return _whole(text, 0)


def add_library_parser(sub: Any) -> None:
    """Add ``library`` and its actions to the ``python -m mlsd`` subcommands."""
    lib: argparse.ArgumentParser = sub.add_parser(
        "library", help="the design library (SQLite or PostgreSQL): list, import, export, history, save ...",
        description="The design library: the same store the app uses (a SQLite file, or PostgreSQL in team mode).",
    )
    actions = lib.add_subparsers(dest="library_command", required=True, metavar="ACTION")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH|URL", default=None,
                        help="library database: a SQLite file or a postgresql://user:password@host/dbname URL "
                             "(default: $MLSD_DB, else a file in the user data directory)")
    common.add_argument("--as", dest="person", metavar="EMAIL", default=None,
                        help="who you are: the e-mail you sign in to the app with; you see and change what your "
                             "role in each workspace allows (needed when the library is used with sign-in)")
    fmt = argparse.ArgumentParser(add_help=False)
    fmt.add_argument("--format", choices=("text", "json"), default="text")
    author = argparse.ArgumentParser(add_help=False)
    author.add_argument("--author", default=None, metavar="NAME",
                        help="your name, recorded with the revision (beside your e-mail with --as)")

    def action(name: str, func: Action, help: str, *parents: argparse.ArgumentParser,
               preload: Preload | None = None) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = actions.add_parser(name, help=help, description=help,
                                                        parents=[common, *parents])
        p.set_defaults(func=_run(func, preload))
        return p

    p = action("import", _import, "add design files as new designs (all or none)", fmt, author,
               preload=_load_imports)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--message", default="imported")
    p.add_argument("--workspace", default=None, metavar="ID",
                   help="the workspace to add them to (default: the first one you may edit)")

    p = action("list", _list, "list the designs (newest first)", fmt)
    p.add_argument("--search", default=None, help="words to find in names, notes and block labels")
    p.add_argument("--tag", default=None)
    p.add_argument("--order", choices=("updated", "created", "name", "score", "errors", "relevance"))
    p.add_argument("--trash", action="store_true", help="list the trash instead")
    p.add_argument("--limit", type=_positive, default=None)
    p.add_argument("--offset", type=_count, default=0)

    p = action("history", _history, "list the revisions of a design", fmt)
    p.add_argument("id", metavar="ID")

    p = action("show", _show, "print a revision of a design as JSON (the latest by default)")
    p.add_argument("id", metavar="ID")
    p.add_argument("--revision", type=_positive, default=None)

    p = action("save", _save, "save a file as the next revision of a design (exit 3 on a conflict)", fmt, author,
               preload=_load_save)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--design", required=True, metavar="ID")
    p.add_argument("--base-revision", required=True, type=_positive, metavar="N",
                   help="the revision your changes start from; refused if the design has moved on")
    p.add_argument("--message", default="")

    p = action("export", _export, "write the latest revision of every design as JSON files into a folder")
    p.add_argument("--out", required=True, metavar="DIR")

    p = action("diff", _diff, "what changed between two revisions of a design", fmt)
    p.add_argument("id", metavar="ID")
    p.add_argument("--from", dest="from_revision", type=_positive, required=True, metavar="N")
    p.add_argument("--to", dest="to_revision", type=_positive, default=None, metavar="M",
                   help="default: the latest revision")

    p = action("delete", _delete, "move a design to the trash")
    p.add_argument("id", metavar="ID")
    p = action("restore", _restore, "bring a design back from the trash")
    p.add_argument("id", metavar="ID")
    p = action("purge", _purge, "delete a trashed design for good (needs --yes)")
    p.add_argument("id", metavar="ID")
    p.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
