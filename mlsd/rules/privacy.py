"""Rules of the privacy checklist (to be written)."""
