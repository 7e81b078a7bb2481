"""Three-way merge (mlsd.merge): resolving picks. Every conflict without a pick is named and nothing
changes; picks that leave a connection without its block are refused; the summary says what came from which
revision.

Small cases, each one rule of the module docstring of mlsd.merge, on the design of tests/merge_helpers.py.
"""

from __future__ import annotations

import pytest

from mlsd import edit
from mlsd.io import DesignError
from mlsd.merge import MergeError, resolve, three_way
from tests.conftest import design_of
from tests.merge_helpers import base, picks


def test_resolve_names_every_conflict_without_a_pick_and_changes_nothing() -> None:
    b = base()
    m = three_way(b, edit.set_label(b, "gw", "A"), edit.set_label(b, "gw", "B"))
    with pytest.raises(MergeError) as err:
        resolve(m, {})
    assert err.value.problems == ["block 'gw' label: pick mine or theirs"]
    with pytest.raises(MergeError):
        resolve(m, {"blocks/gw/label": "both"})
    assert isinstance(err.value, DesignError)


def test_resolve_refuses_picks_that_leave_a_connection_without_its_block() -> None:
    b = design_of([{"id": i, "kind": "cache"} for i in ("a", "b", "y")],
                  [{"id": "c1", "source": "a", "target": "b"}], name="n")
    mine, _ = edit.connect(edit.delete_connection(b, "c1"), "a", "y", conn_id="c1")  # a -> y
    theirs, _ = edit.connect(edit.delete_connection(edit.delete_block(b, "y"), "c1"), "b", "a", conn_id="c1")
    m = three_way(b, mine, theirs)
    assert {c.key for c in m.conflicts} == {"blocks/y", "connections/c1/ends"}
    with pytest.raises(MergeError) as err:
        resolve(m, {"blocks/y": "theirs", "connections/c1/ends": "mine"})
    assert err.value.problems == [
        "connection 'c1' (a -> y): the version picked needs block 'y', which the pick for that block deletes; "
        "pick the other version of one of them"]
    assert [(e.source, e.target) for e in resolve(m, picks(m, "mine")).connections] == [("a", "y")]
    assert [(e.source, e.target) for e in resolve(m, picks(m, "theirs")).connections] == [("b", "a")]


def test_summary_says_what_came_from_which_revision() -> None:
    b = base()
    m = three_way(b, edit.set_label(b, "gw", "A"), edit.set_prop(edit.rename(b, "X"), "inf", "p99_ms", 9))
    assert m.summary(7, "ana") == "merged 2 changes from revision 7 by ana with 1 change of yours"
    m = three_way(b, edit.move_blocks(b, {"gw": (1, 1)}), edit.move_blocks(b, {"gw": (2, 2)}))
    assert m.summary(3) == ("merged 1 change from revision 3 with 0 changes of yours; you both moved block 'gw': "
                            "it stays where they put it")
