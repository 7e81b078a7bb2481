"""Rules of the reliability checklist (to be written)."""
