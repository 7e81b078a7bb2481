"""Fixes offered without making their edits (``mlsd.fixes.offers``), and the one-pass edits behind the anonymizer
fix (``mlsd.fixes.steps.Inserting``, ``mlsd.placing``): the same offers, edits and ``validate --fix`` output as
making every edit eagerly, one block at a time."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from benchmarks.synthetic import synthetic_design
from mlsd import edit
from mlsd.cli import main
from mlsd.fixes import FIXES, load_fixes, offers, proposals, propose
from mlsd.fixes.steps import Inserting
from mlsd.io import DesignError, dumps, load_design, load_file
from mlsd.model import Design
from mlsd.rules import check

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "designs").glob("*.json"))
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "fixes").glob("*.json"))


def _synthetic(n: int = 120, seed: int = 3) -> Design:
    return load_design(synthetic_design(n, seed), source="synthetic")


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Every registered fix's function wrapped to count its calls."""
    calls: dict[str, int] = {}
    for fix_id, f in list(load_fixes().items()):
        def counted(design, finding, ctx, _f=f):
            calls[_f.id] = calls.get(_f.id, 0) + 1
            return _f.func(design, finding, ctx)

        monkeypatch.setitem(FIXES, fix_id, dataclasses.replace(f, func=counted))
    return calls


def _same(a, b) -> bool:
    return (a.fix.id, a.finding.id, a.summary, a.design) == (b.fix.id, b.finding.id, b.summary, b.design)


def test_offers_make_no_edit_until_one_is_asked_for(monkeypatch):
    report = check(_synthetic())
    eager = proposals(report)
    calls = _counting(monkeypatch)
    listed = offers(report)
    assert listed and not calls  # listing the offers ran no fix
    first = listed[0].proposal()
    assert first is not None and sum(calls.values()) == 1
    assert listed[0].proposal() is first and sum(calls.values()) == 1  # made once, kept
    lazy = [p for o in listed if (p := o.proposal()) is not None]
    assert len(lazy) == len(eager) and all(_same(a, b) for a, b in zip(lazy, eager, strict=True))


@pytest.mark.parametrize("path", [*EXAMPLES, *FIXTURES], ids=lambda p: p.stem)
def test_an_applies_check_never_hides_a_fix_that_would_apply(path):
    """``applies`` is only a shortcut: where it says no, trying the fix gives nothing either."""
    report = check(load_file(path))
    for finding in report.active:
        for f in FIXES.values():
            if finding.rule in f.rules and f.applies is not None and not f.applies(report.design, finding,
                                                                                   report.context):
                assert not propose(report.design, finding, report.context, [f]), (f.id, finding.id)


def test_an_applies_check_never_hides_a_fix_on_a_large_design():
    report = check(_synthetic(300, seed=1))
    listed = {(o.fix.id, o.finding.id) for o in offers(report)}
    assert {(p.fix.id, p.finding.id) for p in proposals(report)} <= listed


def _insert_one_by_one(design: Design, conn_id: str, kind: str, label: str = "") -> tuple[Design, str]:
    """The anonymizer fix's step as it was, one whole-design edit after another (mlsd.edit)."""
    e = next(x for x in design.connections if x.id == conn_id)
    blocks = design.by_id()
    a, b = blocks[e.source].position, blocks[e.target].position
    mid = edit.free_spot(design, ((a.x + b.x) / 2, (a.y + b.y) / 2))
    edited, new = edit.add_block(design, kind, label=label, position=mid)
    edited = edit.delete_connection(edited, conn_id)
    edited, _ = edit.connect(edited, e.source, new, e.flow)
    edited, _ = edit.connect(edited, new, e.target, e.flow, label=e.label, conn_id=conn_id)
    return edited, new


def test_inserting_many_blocks_in_one_pass_is_inserting_them_one_by_one():
    design = _synthetic()
    background = [e.id for e in design.connections if e.flow != "request"][:40]
    one_by_one, ids = design, []
    for cid in [*background, background[0]]:  # the first twice: its second leg, which kept its id
        one_by_one, new = _insert_one_by_one(one_by_one, cid, "anonymizer", f"on {cid}")
        ids.append(new)
    batch = Inserting(design)
    assert [batch.insert_on(cid, "anonymizer", f"on {cid}") for cid in [*background, background[0]]] == ids
    assert batch.design() == one_by_one
    assert dumps(batch.design()) == dumps(one_by_one)


def test_inserting_refuses_what_one_by_one_refuses():
    """Inserting on the connection with the highest ``c<n>`` id: the new first leg gets that id back, which the
    second leg (keeping the old id) then clashes with; both ways refuse it the same way."""
    design = Design.model_validate({"name": "x", "components": [
        {"id": "a", "kind": "user_events"}, {"id": "b", "kind": "data_lake"}, {"id": "d", "kind": "data_lake"}],
        "connections": [{"id": "c1", "source": "a", "target": "b", "flow": "batch"},
                        {"id": "c2", "source": "a", "target": "d", "flow": "batch"}]})
    with pytest.raises(DesignError) as old:
        _insert_one_by_one(design, "c2", "anonymizer")
    with pytest.raises(DesignError) as new:
        Inserting(design).insert_on("c2", "anonymizer")
    assert old.value.problems == new.value.problems
    assert Inserting(design).insert_on("c1", "anonymizer") == _insert_one_by_one(design, "c1", "anonymizer")[1]


@pytest.mark.parametrize("args", [["--diff"], ["--diff", "--unsafe-fixes"], ["--fix", "--unsafe-fixes"]])
def test_validate_fix_prints_and_writes_what_one_edit_at_a_time_did(tmp_path, capsys, monkeypatch, args):
    """``validate --fix/--diff`` on a 120-block design: the same bytes out, err and written as with the
    anonymizer fix inserting one block after another (the edits as they were)."""
    import mlsd.fixes.privacy as privacy

    def run() -> tuple[str, str, str]:
        path = tmp_path / "design.json"
        path.write_text(dumps(_synthetic()), encoding="utf-8")
        main(["validate", *args, str(path)])
        out, err = capsys.readouterr()
        return out, err, path.read_text(encoding="utf-8")

    now = run()

    def one_by_one(design, connections, said):
        for cid in connections:
            e = next((x for x in design.connections if x.id == cid), None)
            if e is None or e.flow == "request":
                continue
            design, new = _insert_one_by_one(design, cid, "anonymizer", label=f"Pseudonymise {e.source} → "
                                             f"{e.target}")
            said.append(f"+ block {new} (anonymizer) on {cid} ({e.source} → {e.target})")
        return design

    monkeypatch.setattr(privacy, "_insert", one_by_one)
    assert now == run()
    assert "anonymizer" in now[0] + now[1] + now[2]

