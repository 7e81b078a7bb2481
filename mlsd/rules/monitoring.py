"""Rules of the monitoring checklist (to be written)."""
