"""python -m mlsd library goes through the roles (mlsd.store.access.UserStore), on SQLite and PostgreSQL: on a
library used with sign-in, ``--as EMAIL`` names who acts; without it the command refuses; a non-member reads
nothing and a viewer changes nothing (one clear line, exit 2, nothing written); an editor's changes are signed
with their name; a library without members stays the local single user's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.store import LOCAL_WORKSPACE, Store, UserStore, actor_for, open_store
from tests.test_library_cli import design_data, run, run_json, write
from tests.test_store_access import ADA, ALAN, GRACE

DAVE = "dave@example.com"


@pytest.fixture
def team(library_target: str) -> Iterator[tuple[Store, str, str]]:
    """A team library: Ada owns "Ranking team" with one design; Grace is a viewer there, Dave an editor."""
    with open_store(library_target) as store:
        ada = UserStore(store, actor_for(ADA, "Ada Lovelace"))
        workspace = ada.create_workspace("Ranking team").id
        design = ada.create(make(), workspace=workspace).design_id
        store.set_member(workspace, GRACE, "viewer")
        store.set_member(workspace, DAVE, "editor")
        yield store, library_target, design


def make() -> Any:
    from mlsd.model import Design

    return Design.model_validate(design_data("Feed"))


def fingerprint(store: Store) -> tuple[Any, ...]:
    with store.db.read() as tx:
        return tuple(tx.fetchall(f"SELECT * FROM {table} ORDER BY 1, 2")
                     for table in ("designs", "revisions", "shares", "members", "workspaces", "audit_log"))


def refused(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> str:
    capsys.readouterr()
    code, out = run(*argv)
    err = capsys.readouterr().err
    assert code == 2 and out == "" and err.count("\n") == 1, (code, out, err)
    return err


def test_a_team_library_needs_as(team: tuple[Store, str, str], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    store, db, _ = team
    before = fingerprint(store)
    for argv in (("list",), ("import", write(tmp_path / "a.json", design_data("A")))):
        err = refused(capsys, *argv, "--db", db)
        assert "used with sign-in" in err and "--as EMAIL" in err
    assert fingerprint(store) == before


def test_a_non_member_reads_nothing(team: tuple[Store, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    store, db, design = team
    assert run_json("list", "--db", db, "--as", ALAN) == []
    for action in ("history", "show"):
        err = refused(capsys, action, design, "--db", db, "--as", ALAN)
        assert "not allowed: alan@example.com is not a member of the workspace that holds this design" in err
    before = fingerprint(store)
    assert "not a member" in refused(capsys, "delete", design, "--db", db, "--as", ALAN)
    assert fingerprint(store) == before


def test_a_viewer_reads_but_every_write_is_refused(team: tuple[Store, str, str], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    store, db, design = team
    assert [d["id"] for d in run_json("list", "--db", db, "--as", "Grace@Example.com")] == [design]
    assert [h["number"] for h in run_json("history", design, "--db", db, "--as", GRACE)] == [1]
    changed = write(tmp_path / "b.json", design_data("Feed", p99=10))
    before = fingerprint(store)
    for argv in (("save", changed, "--design", design, "--base-revision", "1"), ("delete", design),
                 ("import", changed), ("import", changed, "--workspace", LOCAL_WORKSPACE)):
        err = refused(capsys, *argv, "--db", db, "--as", GRACE)
        assert "not allowed: grace@example.com" in err and "nothing was changed" in err
    assert fingerprint(store) == before


def test_an_editor_changes_what_their_role_allows_signed(team: tuple[Store, str, str], tmp_path: Path) -> None:
    store, db, design = team
    changed = write(tmp_path / "b.json", design_data("Feed", p99=10))
    saved = run_json("save", changed, "--design", design, "--base-revision", "1", "--db", db, "--as", DAVE,
                     "--author", "Dave Smith")
    assert saved["author"] == "Dave Smith <dave@example.com>"
    [row] = run_json("import", changed, "--db", db, "--as", DAVE)
    assert store.workspaces_of([row["id"]])[row["id"]] == store.workspaces_of([design])[design]
    assert [(e.action, e.actor) for e in store.audit(design, limit=1)] == [
        ("design.save", "Dave Smith <dave@example.com>")]


def test_a_library_without_members_is_the_local_users(library_target: str, tmp_path: Path) -> None:
    [row] = run_json("import", write(tmp_path / "a.json", design_data("A")), "--db", library_target)
    [first] = run_json("history", row["id"], "--db", library_target)
    assert first["author"] == "local"
    with open_store(library_target) as store:
        assert store.workspaces_of([row["id"]]) == {row["id"]: LOCAL_WORKSPACE} and not store.has_members()
    [named] = run_json("import", write(tmp_path / "b.json", design_data("B")), "--db", library_target,
                       "--author", "ci")
    assert run_json("history", named["id"], "--db", library_target)[0]["author"] == "ci"
