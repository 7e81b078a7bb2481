"""Rules of the serving checklist (to be written)."""
