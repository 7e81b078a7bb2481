"""Rules of the scalability checklist (to be written)."""
