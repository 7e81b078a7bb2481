"""The design library (mlsd.store): share links. Latest or pinned, read-only, revoked, expiring; bad
expiries are refused and write nothing; a token can modify nothing.

Tests taking ``store`` or ``library_target`` (tests/conftest.py) run on both backends, SQLite and PostgreSQL.
"""

from __future__ import annotations

import inspect
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mlsd.store import NotFound, ShareExpired, ShareNotFound, ShareRevoked, Store, StoreError, now
from tests.store_helpers import make_design


def test_share_links_open_latest_or_pinned_read_only(store: Store) -> None:
    design_id = store.create(make_design("Shared", notes="v1", p99=10)).design_id
    latest = store.create_share(design_id)
    pinned = store.create_share(design_id, revision=1)
    assert len(latest.token) >= 32 and latest.token != pinned.token  # 32 random bytes, url-safe
    store.save(design_id, make_design("Shared", notes="v2", p99=20), base_revision=1)
    view = store.open_share(latest.token)
    assert (view.name, view.notes, view.revision, view.pinned) == ("Shared", "v2", 2, False)
    old = store.open_share(pinned.token)
    assert (old.notes, old.revision, old.pinned) == ("v1", 1, True)
    assert old.design == store.open(design_id, 1).design
    assert {s.id for s in store.list_shares(design_id)} == {latest.id, pinned.id}
    with pytest.raises(NotFound):
        store.create_share(design_id, revision=5)


def test_unknown_tokens_give_one_error_and_a_revoked_link_says_revoked(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    share = store.create_share(design_id)
    store.revoke_share(share.id)
    with pytest.raises(ShareRevoked, match="revoked"):
        store.open_share(share.token)
    errors = []
    for token in (share.token[:-1] + ("A" if share.token[-1] != "A" else "B"), "", "x" * 5000,
                  "' OR 1=1 --", None):
        with pytest.raises(ShareNotFound) as info:
            store.open_share(token)  # type: ignore[arg-type]
        errors.append(str(info.value))
    assert set(errors) == {"this share link does not exist or is no longer valid"}
    assert store.list_shares(design_id) == []
    assert store.list_shares(design_id, include_revoked=True)[0].revoked_at is not None


def test_share_links_expire(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    never = store.create_share(design_id)
    day = store.create_share(design_id, ttl=timedelta(days=1), show_comments=True)
    assert never.expires_at is None and not never.show_comments
    assert day.expires_at is not None and day.show_comments
    assert store.open_share(day.token).show_comments and not store.open_share(never.token).show_comments
    soon = datetime.now(UTC) + timedelta(seconds=1)
    short = store.create_share(design_id, expires_at=soon.isoformat())
    assert store.open_share(short.token).revision == 1
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.05)
    with pytest.raises(ShareExpired, match="expired at") as info:
        store.open_share(short.token)
    assert info.value.expires_at == short.expires_at
    listed = {s.id: s for s in store.list_shares(design_id)}
    assert listed[short.id].expired(now()) and not listed[day.id].expired(now())
    assert listed[day.id].expires_at == day.expires_at and listed[day.id].show_comments
    store.revoke_share(short.id)  # an expired link that is also revoked says revoked
    with pytest.raises(ShareRevoked):
        store.open_share(short.token)


@pytest.mark.parametrize("kwargs, message", [
    ({"ttl": timedelta(days=1), "expires_at": "2999-01-01T00:00:00Z"}, "not both"),
    ({"ttl": timedelta(0)}, "ttl must be"),
    ({"ttl": timedelta(days=5000)}, "ttl must be"),
    ({"expires_at": "2000-01-01T00:00:00+00:00"}, "already past"),
    ({"expires_at": "2999-01-01T00:00:00"}, "time zone"),
    ({"expires_at": "tomorrow"}, "not an ISO-8601"),
    ({"show_comments": "yes"}, "show_comments"),
])
def test_bad_share_expiry_is_refused_and_nothing_is_written(store: Store, kwargs: dict[str, Any], message: str
                                                             ) -> None:
    design_id = store.create(make_design()).design_id
    before = store.audit(design_id)
    with pytest.raises(StoreError, match=message):
        store.create_share(design_id, **kwargs)
    assert store.list_shares(design_id, include_revoked=True) == [] and store.audit(design_id) == before


def test_tokens_cannot_modify_anything(store: Store) -> None:
    design_id = store.create(make_design("Mine")).design_id
    share = store.create_share(design_id)
    # no method takes a token except the read-only ones: open_share and share_threads (and their row read)
    for name, method in inspect.getmembers(Store, inspect.isfunction):
        if name not in ("open_share", "share_threads", "_share_row"):
            assert "token" not in inspect.signature(method).parameters, name
    # a token is not a design id: every write refuses it
    for write in (lambda: store.save(share.token, make_design("Hacked"), base_revision=1),
                  lambda: store.rename(share.token, "Hacked"), lambda: store.delete(share.token),
                  lambda: store.restore_revision(share.token, 1), lambda: store.create_share(share.token)):
        with pytest.raises(NotFound):
            write()
    with pytest.raises(NotFound):
        store.revoke_share(share.token)
    assert store.open_share(share.token).name == "Mine"
    assert store.get(design_id).revisions == 1
