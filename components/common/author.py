"""Who is using the app, for what it records (comment authors, the audit log): one function to swap.

Until sign-in exists (issue 14 item 2: ``components/common/identity.py``, built by another change), everyone is the
one local user, ``"local"``. Sign-in replaces the body of ``current_author`` with the signed-in user's name.
"""

from __future__ import annotations

LOCAL = "local"


def current_author() -> str:
    """The name recorded as the author of what this session writes."""
    return LOCAL
