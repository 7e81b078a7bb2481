"""Fixes for personal data reaching ML and analytics sinks raw (SEC-4): an anonymizer on each flow into them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsd.fixes import Change, fix
from mlsd.fixes.steps import Inserting

if TYPE_CHECKING:
    from mlsd.model import Design
    from mlsd.rules import Finding
    from mlsd.rules.context import Context

MAX_PASSES = 8  # a sink that holds personal data itself (pii: true) passes it on: the next flow needs one too


def _insert(design: Design, connections: tuple[str, ...], said: list[str]) -> Design:
    """An anonymizer on each background connection of ``connections`` (a request connection is left alone), all
    in one pass (``Inserting``)."""
    edit = Inserting(design)
    for cid in connections:
        e = edit.connection(cid)
        if e is None or e.flow == "request":
            continue
        new = edit.insert_on(cid, "anonymizer", label=f"Pseudonymise {e.source} → {e.target}")
        said.append(f"+ block {new} (anonymizer) on {cid} ({e.source} → {e.target})")
    return edit.design()


@fix("insert-anonymizer", ("SEC-4",), safe=False, title="Pseudonymise each flow into the sinks")
def insert_anonymizer(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """SEC-4: an anonymizer (pseudonymisation: a token or salted hash in place of ids, fields the sinks do not
    need dropped; GDPR Art. 5(1)(c), Art. 25) inserted on each background flow the finding names, the routes by
    which raw personal data first enters the sinks (``mlsd.rules.pii_flow``): ``source -> anonymizer -> sink``,
    same flow and label. A sink that itself holds personal data (``pii: true``) passes it on, so SEC-4 is run
    again on the result and the flows it then names get one too, until the finding's sinks are clear (at most
    ``MAX_PASSES`` times): one edit. A request connection is left alone (an anonymizer is a batch-tier block; the
    request path is not the place). Needs judgement: pseudonymising once where the data comes in may serve
    better, and a sink may need the identity for a declared purpose (pii_purpose), so it is a suggestion."""
    from mlsd.rules import REGISTRY
    from mlsd.rules.context import Context as Ctx
    from mlsd.rules.engine import run_rule
    from mlsd.rules.pii_leaks import reached_from

    said: list[str] = []
    edited = _insert(design, finding.connections, said)
    sinks = reached_from(ctx, finding.components)  # the entry sinks the finding names and every block after them
    for _ in range(MAX_PASSES):
        if not said:
            break
        left = [f for f in run_rule(REGISTRY["SEC-4"], Ctx(edited)).findings if sinks & set(f.components)]
        before = len(said)
        edited = _insert(edited, tuple(c for f in left for c in f.connections), said)
        if len(said) == before:
            break
    return (edited, "; ".join(said)) if said else None
