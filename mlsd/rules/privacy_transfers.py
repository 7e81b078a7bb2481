"""SEC-9: personal data stays in its jurisdiction (transfers judged by the law of the place, not by region
names). The personal-data flow is ``mlsd.rules.pii_flow``'s; the region table is ``mlsd.catalog.regions``.

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

from mlsd.analysis.failures import region_of
from mlsd.catalog.regions import jurisdiction_of, transfer_law
from mlsd.model import Connection
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.pii_flow import carries, pii_flow
from mlsd.rules.reliability import declared_regions
from mlsd.rules.sla import name
from mlsd.text import counted

CONNECTIONS_SHOWN = 5  # connections named in a SEC-9 message; more are counted


@rule(
    "SEC-9", "privacy", "warning", "Personal data stays in its jurisdiction",
    "Keep personal data in the jurisdiction it was collected in (regional stores and pipelines), or document "
    "the transfer mechanism (adequacy decision, SCCs) and waive this finding with it.",
)
def pii_stays_in_jurisdiction(ctx: Context) -> list[Hit]:
    """Raw personal data does not flow between blocks placed in different jurisdictions.

    Checked on every connection carrying raw PII (as in SEC-4) whose two ends both declare ``regions``; zone
    names (eu-west-1a, europe-west1-b) count as their region, and each region maps to the jurisdiction whose
    law governs it (``mlsd.catalog.regions``: AWS, Google Cloud and Azure region names; the EU and EEA are one
    jurisdiction, the UK and Switzerland are not in it). The connection fails when the source runs in a
    jurisdiction where the target has no region: the data has to leave it. us-west-2 → us-east-1 stays in the
    US and is not a transfer (losing a region is REL-3's concern, not this rule's); eu-west-1 → eu-west-2
    (London) is. A target present in more jurisdictions than its source (a multi-region service called
    locally) is not flagged. A connection with an end in a region the table does not know is not judged (the
    rule cannot tell where it is and does not guess); when no connection can be judged the rule is not
    applicable and names the unknown regions.
    One cause, one finding: connections moving data between the same jurisdictions are one finding (one
    transfer mechanism answers them), pointing at every connection and at the ends of the five the message
    names (the rest are counted). The message names the law of the jurisdiction
    the data leaves: GDPR Chapter V for the EU/EEA, UK GDPR Chapter V for the UK, the Swiss FADP for
    Switzerland, and that jurisdiction's cross-border transfer rules otherwise.
    Why: transfers out of a jurisdiction (notably out of the EU/EEA) need a legal basis, and residency rules
    may forbid them outright.
    Fix: keep the flow in the jurisdiction, or document the transfer.
    Source: GDPR Chapter V (Art. 44-49, transfers of personal data to third countries); UK GDPR Chapter V; the
    providers' region lists (AWS Regions and Availability Zones, Google Cloud Geography and regions, Azure
    geographies).
    """
    flow = pii_flow(ctx)
    if not flow.seeds:
        raise NotApplicable("no block is marked pii")
    placement = {c.id: frozenset(region_of(r) for r in zones)
                 for c in ctx.design.components if (zones := declared_regions(c))}
    places: dict[str, frozenset[str]] = {}  # block -> its jurisdictions (only when every region is known)
    unknown: set[str] = set()
    for b, regions in placement.items():
        found = {r: jurisdiction_of(r) for r in regions}
        lost = {r for r, j in found.items() if j is None}
        unknown |= lost
        if not lost:
            places[b] = frozenset(j for j in found.values() if j is not None)
    crossings: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Connection]] = {}
    judged = 0
    for e in ctx.design.connections:
        s_places = places.get(e.source)
        t_places = places.get(e.target)
        if not s_places or not t_places or not flow.carrier(ctx, e.source) or not carries(ctx, e):
            continue
        judged += 1
        away = s_places - t_places
        if away:
            crossings.setdefault((tuple(sorted(away)), tuple(sorted(t_places))), []).append(e)
    if not judged:
        if unknown:
            raise NotApplicable(
                "no connection carrying personal data has both ends in regions of known jurisdiction (unknown: "
                f"{', '.join(sorted(unknown)[:5])}{', ...' if len(unknown) > 5 else ''})"
            )
        raise NotApplicable("no connection carrying personal data has both ends placed in regions")
    return [_transfer_hit(ctx, placement, away, into, edges) for (away, into), edges in crossings.items()]


def _transfer_hit(ctx: Context, placement: dict[str, frozenset[str]], away: tuple[str, ...],
                  into: tuple[str, ...], edges: list[Connection]) -> Hit:
    """SEC-9's finding for the connections that move personal data from the ``away`` jurisdictions ``into``
    others."""
    shown = [f"{name(ctx, e.source)} ({', '.join(sorted(placement[e.source]))}) → {name(ctx, e.target)} "
             f"({', '.join(sorted(placement[e.target]))})" for e in edges[:CONNECTIONS_SHOWN]]
    laws = " ".join(f"A transfer out of {j} falls under {transfer_law(j)}." for j in away)
    n = len(edges)
    return Hit(
        f"Personal data leaves {' and '.join(away)} for {' and '.join(into)} on {n} connection"
        f"{'' if n == 1 else 's'}: {counted(shown, n, 'connection', sep='; ')}. {laws}",
        components=tuple(dict.fromkeys(b for e in edges[:CONNECTIONS_SHOWN] for b in (e.source, e.target))),
        connections=tuple(e.id for e in edges),
    )
