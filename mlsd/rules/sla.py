"""Rules of the sla checklist (to be written)."""
