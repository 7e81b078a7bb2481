"""What every command shares: exit codes and the usage error."""

from __future__ import annotations

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_CONFLICT = 0, 1, 2, 3
EXIT_LOAD = 4  # validate --load: the design passes at its peak but fails at the load given


class UsageError(Exception):
    """Bad input to a command; shown as one line on stderr, exit 2."""
