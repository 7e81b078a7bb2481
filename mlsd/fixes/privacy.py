"""Fixes for personal data reaching ML and analytics sinks raw (SEC-4): an anonymizer on each flow into them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsd.fixes import Change, fix
from mlsd.fixes.steps import insert_on

if TYPE_CHECKING:
    from mlsd.model import Design
    from mlsd.rules import Finding
    from mlsd.rules.context import Context


@fix("insert-anonymizer", ("SEC-4",), safe=False, title="Pseudonymise each flow into the sinks")
def insert_anonymizer(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """SEC-4: an anonymizer (pseudonymisation: a token or salted hash in place of ids, fields the sinks do not
    need dropped; GDPR Art. 5(1)(c), Art. 25) inserted on each background flow the finding names, the routes by
    which raw personal data first enters the sinks (``mlsd.rules.pii_flow``): ``source -> anonymizer -> sink``,
    same flow and label. A request connection is left alone (an anonymizer is a batch-tier block; the request
    path is not the place). Needs judgement: pseudonymising once where the data comes in may serve better, and
    a sink may need the identity for a declared purpose (pii_purpose), so it is a suggestion."""
    edited, said = design, []
    for cid in finding.connections:
        e = ctx.connections.get(cid)
        if e is None or e.flow == "request":
            continue
        edited, new = insert_on(edited, cid, "anonymizer", label=f"Pseudonymise {e.source} → {e.target}")
        said.append(f"+ block {new} (anonymizer) on {cid} ({e.source} → {e.target})")
    return (edited, "; ".join(said)) if said else None
