"""Rules of the training checklist (to be written)."""
