"""SEC-10: personal data kept for a declared purpose has the controls that make keeping it acceptable.

Some blocks must keep identifiable data: a fraud decision log is dispute and audit evidence, a face and plate
detector must be trained and labelled on faces and plates, a social network keeps the user's posts for the
life of the account, fraud analysts and trust & safety reviewers judge a person's own transactions and posts.
Anonymising there would defeat the purpose, so SEC-4 (anonymise before ML sinks), SEC-6 (labelers see
anonymised data) and SEC-7 (DP for models on personal data) accept a block that declares ``pii_purpose``.
What protects such data is who can read it, how long it is kept and a record of who read it; this rule checks
those, so that declaring a purpose is never a way around the anonymiser.

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.pii_flow import purpose, purpose_controls_missing
from mlsd.rules.sla import name
from mlsd.text import and_join


@rule(
    "SEC-10", "privacy", "error", "Personal data kept for a purpose is access-controlled, retained and audited",
    "Give the block its controls: access_controlled (or an access_control block), audit_logged, and where it "
    "keeps data at rest encrypted_at_rest (or a kms block) and retention_days > 0 (or "
    "kept_for_account_lifetime with erasure_supported).",
)
def purpose_bound_pii_has_controls(ctx: Context) -> list[Hit]:
    """A block that declares ``pii_purpose`` has the controls of purpose-bound personal data.

    Declaring why a block keeps personal data says that it does, whether or not its source is marked ``pii``
    (an internal review queue fed by user posts nobody marked). It needs: access control
    (``access_controlled`` or a connected ``access_control`` block) and an audit trail of who read what
    (``audit_logged``); and, when it keeps data at rest (a store, a block with
    ``storage_gb``, or one declaring ``retention_days``, as in SEC-1), encryption at rest
    (``encrypted_at_rest`` or a connected ``kms`` block) and a bounded retention (``retention_days`` > 0, or
    ``kept_for_account_lifetime`` with ``erasure_supported`` for the user's own content).
    One finding per block, naming every missing control; a control that SEC-1 (encryption), SEC-3 (access) or
    SEC-5 (retention) already reports for a store marked ``pii`` is not repeated here, so a purpose-bound pii
    store is checked here for its audit trail only.
    Why: keeping identifiable data is lawful when it is necessary for the purpose, and then the safeguards
    carry the weight: least privilege, storage limitation and accountability (who accessed which record).
    Internal reviewers, a decision log or a detector's training set are accepted with them, not with a waiver.
    Fix: add the missing controls.
    Source: GDPR Art. 5(1)(b) purpose limitation, 5(1)(e) storage limitation, 5(2) accountability, Art. 25
    and 32; AWS Well-Architected ML Lens, Security pillar (least privilege, audit of data access: CloudTrail
    data events).
    """
    declared = [c for c in ctx.design.components if purpose(c)]
    if not declared:
        raise NotApplicable("no block declares pii_purpose")
    hits = []
    for c in declared:
        missing = purpose_controls_missing(ctx, c)
        if missing:
            hits.append(Hit(
                f"{name(ctx, c.id)} keeps personal data for its purpose ('{purpose(c)}') without "
                f"{and_join(missing)}.",
                components=(c.id,),
            ))
    return hits
