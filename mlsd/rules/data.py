"""Rules of the data checklist (to be written)."""
