"""Rules of the structure checklist (to be written)."""
