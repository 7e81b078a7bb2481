"""The design library (mlsd.store): listing and search. Names, notes and labels are searched, hostile
search strings are plain words, pagination, tags and order, and export round trips.

Tests taking ``store`` or ``library_target`` (tests/conftest.py) run on both backends, SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsd.model import Design
from mlsd.store import Store, StoreError, fts_query
from mlsd.store.dialect import ts_query
from tests.store_helpers import HOSTILE, make_design


@pytest.fixture
def library(store: Store) -> Store:
    store.create(make_design("Homepage video recommendations", gateway="Edge gateway", tags=["recsys", "video"]))
    store.create(make_design("Card fraud scoring", notes="Chargebacks arrive 60 days late", tags=["fraud"]))
    store.create(make_design("News feed", ranker="Two-tower retrieval", tags=["recsys"]))
    for i in range(12):
        store.create(make_design(f"Filler {i:02d}", ranker=f"Model {i}"))
    return store


def test_search_names_notes_and_labels(library: Store) -> None:
    def names(text: str) -> set[str]:
        return {d.name for d in library.list_designs(search=text, limit=None).items}

    assert names("video") == {"Homepage video recommendations"}
    assert names("chargebacks") == {"Card fraud scoring"}
    assert names("two-tower") == {"News feed"}
    assert names("edge") == {"Homepage video recommendations"}
    assert names("recommend") == {"Homepage video recommendations"}  # prefix
    assert names("video fraud") == set()  # every word is required
    assert names("FRAUD") == {"Card fraud scoring"}
    data = make_design("Plain").model_dump()
    data["connections"][0]["label"] = "clickstream"
    library.create(Design.model_validate(data))
    assert names("clickstream") == {"Plain"}  # connection labels too


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_strings_are_plain_words(library: Store, text: str) -> None:
    page = library.list_designs(search=text)
    assert page.total >= len(page.items)
    assert library.list_designs().total == 15  # nothing was dropped
    words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
    if words == ["video"] or text in ('"video', "video'", "video*", "^video", "{video}"):
        assert {d.name for d in page.items} == {"Homepage video recommendations"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_search_text_runs(library: Store, text: str) -> None:
    page = library.list_designs(search=text, limit=10)
    assert page.total >= len(page.items)


def test_fts_query_quotes_every_token() -> None:
    assert fts_query('say "hi" NEAR(x) OR *') == '"say"* """hi"""* "NEAR(x)"* "OR"*'
    assert fts_query("  *  ") is None


def test_postgres_tsquery_quotes_every_word_and_splits_at_punctuation_like_fts5() -> None:
    assert ts_query("it's a\\b & x") == "('it' <-> 's':*) & ('a' <-> 'b':*) & 'x':*"
    assert ts_query("Vídeo two-tower") == "'Video':* & ('two' <-> 'tower':*)"  # accents folded, as unicode61 does
    assert ts_query("  &  ") is None


def test_pagination_tags_and_order(library: Store) -> None:
    page = library.list_designs(limit=5, offset=0)
    assert page.total == 15 and len(page.items) == 5
    seen = [d.id for off in range(0, 15, 5) for d in library.list_designs(limit=5, offset=off).items]
    assert len(seen) == len(set(seen)) == 15
    assert library.list_designs(limit=5, offset=15).items == ()
    newest = page.items[0]
    assert newest.name == "Filler 11" and newest.updated_at >= page.items[1].updated_at
    recsys = library.list_designs(tag="recsys")
    assert recsys.total == 2 and {d.name for d in recsys.items} == {"Homepage video recommendations", "News feed"}
    assert library.list_designs(tag="recsys", search="feed").total == 1
    by_name = [d.name for d in library.list_designs(order="name", limit=3).items]
    assert by_name == ["Card fraud scoring", "Filler 00", "Filler 01"]
    assert dict(library.tags()) == {"recsys": 2, "video": 1, "fraud": 1}
    for bad in ({"limit": 0}, {"limit": 5000}, {"offset": -1}, {"order": "relevance"}, {"order": "id; DROP"}):
        with pytest.raises(StoreError):
            library.list_designs(**bad)  # type: ignore[arg-type]


def test_export_designs_round_trip(library: Store, tmp_path: Path) -> None:
    exported = list(library.export_designs(batch=4))
    assert len(exported) == 15
    with Store(tmp_path / "copy.db") as other:
        other.import_designs([d for _, d in exported])
        again = {d.name: d.model_dump() for _, d in other.export_designs()}
    assert again == {d.name: d.model_dump() for _, d in exported}
