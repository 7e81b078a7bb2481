"""What differs between the SQL of the two backends, as data: the store's logic is written once around these hooks.

Each backend's handle (``mlsd.store.handle.Db``) carries one ``Dialect``. The logic modules (``designs``,
``library``, ``shares``, ``sessions``) use only ``?`` placeholders and standard SQL, and take from the dialect:

* ``search(text)``: a subquery ``(pk, rank)`` of the designs matching a user's search text (lower rank = better),
  with its parameters, or None when the text has nothing searchable. SQLite: the FTS5 table ``design_search``;
  PostgreSQL: the ``design_search`` table's tsvector (GIN index), built from the same text folded and split as
  FTS5's unicode61 tokenizer does it (``pg_words`` here, ``mlsd_search_text`` in the schema), so that a search
  finds the same designs on both (tests/test_store_postgres.py compares them).
* ``lock_design``: appended to the ``SELECT ... FROM designs WHERE id = ?`` that starts a compare-and-append
  save, so that two saves of one design queue up. SQLite: "" (``BEGIN IMMEDIATE`` already holds the write lock);
  PostgreSQL: `` FOR UPDATE``.
* ``tag_match`` / ``tag_counts``: a predicate "the design ``d`` carries tag ?" and the tag counting query
  (tags are a JSON array in text, read with ``json_each`` on SQLite and ``json_array_elements_text`` on PostgreSQL).
* ``name_key``: the name as a case-insensitive sort key (PostgreSQL folds ASCII letters and compares code points,
  as SQLite's NOCASE does, whatever the database's collation), ordered and compared with a page cursor's value by
  ``mlsd.store.keyset``; ``no_limit``: the LIMIT parameter meaning "all rows".
* ``true``/``false``: boolean literals, should a table need them (SQLite stores 1/0).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SearchHook = Callable[[str], "tuple[str, list[Any]] | None"]


@dataclass(frozen=True)
class Dialect:
    """The SQL fragments one backend needs that standard SQL does not give (see the module docstring)."""

    name: str
    search: SearchHook
    lock_design: str
    tag_match: str
    tag_counts: str
    name_key: str
    no_limit: int | None
    true: str = "TRUE"
    false: str = "FALSE"


def _plain_tokens(text: str) -> list[str]:
    plain = "".join(" " if ch < " " or ch == "\x7f" else ch for ch in text)  # FTS5 stops a string at NUL
    return [token for token in plain.split() if any(ch.isalnum() for ch in token)]


def fts_query(text: str) -> str | None:
    """A user's search text as an FTS5 query of plain words: every token quoted, prefix-matched, all required.

    FTS syntax (``"``, ``*``, ``OR``, ``NEAR(``, ``-``, ``:``) and SQL in the text are only words; tokens with no
    letter or digit are dropped. None when nothing searchable is left.
    """
    phrases = ['"' + token.replace('"', '""') + '"*' for token in _plain_tokens(text)]
    return " ".join(phrases) if phrases else None


# What separates words on PostgreSQL, on both sides of a search: ASCII punctuation and symbols, Latin-1
# punctuation, general punctuation, CJK punctuation. Explicit ranges, so that the split does not depend on the
# database's LC_CTYPE; the same class is in schema's ``mlsd_search_text`` SQL function (keep them equal).
PG_SEPARATORS = "\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00bf\u2000-\u206f\u3000-\u303f"
_PG_SPLIT = re.compile(f"[\x00{PG_SEPARATORS}]+")
_COMBINING = re.compile("[\u0300-\u036f]")


def pg_words(token: str) -> list[str]:
    """One search token as PostgreSQL's index holds it: accents removed, split at punctuation (as FTS5's unicode61
    with ``remove_diacritics 2`` splits and folds), so ``two-tower`` is the two words ``two`` ``tower``."""
    plain = unicodedata.normalize("NFC", _COMBINING.sub("", unicodedata.normalize("NFD", token)))
    return [w for w in _PG_SPLIT.split(plain) if w]


def ts_query(text: str) -> str | None:
    """The same for PostgreSQL's ``to_tsquery('simple', ...)``: a token's words in a row (``<->``, the last a
    prefix), every token required (``&``); each word a quoted lexeme. None when nothing searchable is left."""
    parts: list[str] = []
    for token in _plain_tokens(text):
        lexemes = ["'" + w.replace("\\", "\\\\").replace("'", "''") + "'" for w in pg_words(token)]
        if lexemes:
            parts.append(" <-> ".join(lexemes) + ":*")
    return " & ".join(f"({p})" if "<->" in p else p for p in parts) if parts else None


def _sqlite_search(text: str) -> tuple[str, list[Any]] | None:
    match = fts_query(text)
    if match is None:
        return None
    return "SELECT rowid AS pk, rank FROM design_search WHERE design_search MATCH ?", [match]


def _postgres_search(text: str) -> tuple[str, list[Any]] | None:
    match = ts_query(text)
    if match is None:
        return None
    # float8: a real reaches Python rounded to its shortest text, which a page cursor could not seek back to
    return ("SELECT pk, -ts_rank(search, to_tsquery('simple', ?))::float8 AS rank FROM design_search "
            "WHERE search @@ to_tsquery('simple', ?)", [match, match])


SQLITE = Dialect(
    name="sqlite",
    search=_sqlite_search,
    lock_design="",
    tag_match="EXISTS (SELECT 1 FROM json_each(d.tags) WHERE json_each.value = ?)",
    tag_counts=("SELECT j.value, count(*) FROM designs d, json_each(d.tags) j WHERE d.deleted_at IS NULL "
                "GROUP BY j.value ORDER BY count(*) DESC, j.value"),
    name_key="d.name COLLATE NOCASE",
    no_limit=-1,
    true="1",
    false="0",
)

POSTGRES = Dialect(
    name="postgres",
    search=_postgres_search,
    lock_design=" FOR UPDATE",
    tag_match="EXISTS (SELECT 1 FROM json_array_elements_text(d.tags::json) j(value) WHERE j.value = ?)",
    tag_counts=("SELECT j.value, count(*) FROM designs d, json_array_elements_text(d.tags::json) j(value) "
                'WHERE d.deleted_at IS NULL GROUP BY j.value ORDER BY count(*) DESC, j.value COLLATE "C"'),
    # SQLite's NOCASE folds ASCII letters only and compares code points: the same order, whatever the collation
    name_key="translate(d.name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') COLLATE \"C\"",
    no_limit=None,
)
