"""Edits of the design as a whole: a new design, its name, requirements, waivers and notes."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError

from mlsd.edit.checks import problems_of, refuse
from mlsd.io import field_name
from mlsd.model import MAX_NAME, MAX_NOTES, Design, Requirements, Waiver


def new_design(name: str = "Untitled design") -> Design:
    """An empty design with default requirements."""
    return rename(Design(name="Untitled design"), name)


def rename(design: Design, name: str) -> Design:
    """The design with a new name (1..200 characters, not blank)."""
    if not name.strip():
        raise refuse("name must not be blank")
    if len(name) > MAX_NAME:
        raise refuse(f"name must be at most {MAX_NAME} characters, got {len(name)}")
    if "\x00" in name:
        raise refuse("name must not contain null bytes")
    return design.model_copy(update={"name": name})


def set_requirements(design: Design, **changes: object) -> Design:
    """The design with some requirements changed (None clears an optional one); values are validated."""
    unknown = [k for k in changes if k not in Requirements.model_fields]
    if unknown:
        raise refuse(*(f"requirements.{field_name(k)} is not a known requirement" for k in unknown))
    data = {**design.requirements.model_dump(), **changes}
    if data.get("headroom") is None:
        data["headroom"] = Requirements.model_fields["headroom"].default
    try:
        req = Requirements.model_validate(data)
    except ValidationError as exc:
        raise problems_of(exc, "requirements") from None
    return design.model_copy(update={"requirements": req})


def add_waiver(design: Design, rule: str, components: Iterable[str], reason: str) -> Design:
    """Accept a finding: a waiver of ``rule`` for these blocks (none = every block) with a reason.

    An existing waiver of the same rule and blocks gets the new reason instead of a duplicate.
    """
    blocks = list(dict.fromkeys(components))
    ids = {c.id for c in design.components}
    missing = [b for b in blocks if b not in ids]
    if missing:
        raise refuse(*(f"block {b!r} is not a block of this design" for b in missing[:10]))
    try:
        waiver = Waiver.model_validate({"rule": rule, "components": blocks, "reason": reason})
    except ValidationError as exc:
        raise problems_of(exc, f"waiver of {rule}") from None
    kept = [w for w in design.waivers if not (w.rule == rule and set(w.components) == set(blocks))]
    return design.model_copy(update={"waivers": [*kept, waiver]})


def remove_waiver(design: Design, rule: str, components: Iterable[str]) -> Design:
    """Withdraw the waiver of ``rule`` that covers exactly these blocks (or every waiver covering them)."""
    blocks = set(components)
    kept = [w for w in design.waivers if not (w.rule == rule and set(w.components) == blocks)]
    if len(kept) == len(design.waivers):
        # a finding may be covered by a broader waiver (no blocks, or a superset): withdraw that one
        kept = [w for w in design.waivers if not (w.rule == rule and (not w.components or blocks <= set(w.components)))]
    if len(kept) == len(design.waivers):
        raise refuse(f"no waiver of {rule} covers {', '.join(sorted(blocks)) or 'the whole design'}")
    return design.model_copy(update={"waivers": kept})


def set_notes(design: Design, notes: str) -> Design:
    """The design with new notes (Markdown, at most 100,000 characters)."""
    if len(notes) > MAX_NOTES:
        raise refuse(f"notes must be at most {MAX_NOTES} characters, got {len(notes)}")
    if "\x00" in notes:
        raise refuse("notes must not contain null bytes")
    return design.model_copy(update={"notes": notes})
