"""Who is using the app: the one module that reads ``st.user`` (Streamlit's sign-in, ``st.login``).

Sign-in is configured by an ``[auth]`` section in ``.streamlit/secrets.toml`` (an OpenID Connect provider:
``redirect_uri``, ``cookie_secret``, ``client_id``, ``client_secret``, ``server_metadata_url``, as Streamlit's
``st.login`` documents; or one named provider in ``[auth.NAME]``). Without that section the app is single-user and
local, as it always was: everybody is ``LOCAL``, who may do everything. With it, ``current_user()`` is the person
signed in (from the identity token's ``sub``, ``name`` and ``email`` claims) or ``None``.

"component" here means a Streamlit UI piece, not a placed block of a design.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

PROVIDER_KEYS = ("client_id", "server_metadata_url")
"""The settings that make a provider (Streamlit's ``st.login`` needs both, with ``client_secret``)."""


@dataclass(frozen=True)
class User:
    """One person: ``id`` is the provider's stable subject (``sub``), ``email`` what members are added by."""

    id: str
    name: str
    email: str

    @property
    def label(self) -> str:
        """How the app names this person: "Name (email)", or whichever of the two there is."""
        if self.name and self.email and self.name != self.email:
            return f"{self.name} ({self.email})"
        return self.name or self.email or self.id


LOCAL = User(id="local", name="local", email="")
"""The one user of an app without sign-in: owner of everything, as before sign-in existed."""


def _auth_section() -> Mapping[str, Any] | None:
    """The ``[auth]`` section of the secrets, or ``None`` (no secrets file, or no such section)."""
    try:
        if not st.secrets.load_if_toml_exists() or "auth" not in st.secrets:
            return None
        section = st.secrets["auth"]
    except (FileNotFoundError, StreamlitAPIException):  # a broken secrets file: Streamlit logs it; no sign-in
        return None
    return section if isinstance(section, Mapping) else None


def provider() -> str | None:
    """The provider name to pass to ``st.login``: ``None`` for settings directly in ``[auth]``, else the first
    ``[auth.NAME]`` section that holds a provider's settings."""
    section = _auth_section() or {}
    if all(key in section for key in PROVIDER_KEYS):
        return None
    for name, value in section.items():
        if isinstance(value, Mapping) and all(key in value for key in PROVIDER_KEYS):
            return str(name)
    return None


def auth_configured() -> bool:
    """True when ``[auth]`` names an OpenID Connect provider (directly or in one ``[auth.NAME]`` section)."""
    section = _auth_section()
    if not section:
        return False
    return all(key in section for key in PROVIDER_KEYS) or provider() is not None


def current_user() -> User | None:
    """The person using the app: ``LOCAL`` without sign-in; with sign-in, who is signed in, or ``None``."""
    if not auth_configured():
        return LOCAL
    if not st.user.get("is_logged_in"):
        return None
    email = str(st.user.get("email") or "").strip().lower()
    sub = str(st.user.get("sub") or email)
    name = str(st.user.get("name") or st.user.get("preferred_username") or email or sub)
    return User(id=sub, name=name, email=email)


def sign_in() -> None:
    """Send the browser to the provider's sign-in page (Streamlit comes back to the Home page afterwards)."""
    name = provider()
    if name is None:
        st.login()
    else:
        st.login(name)


def sign_out() -> None:
    """Forget who is signed in (Streamlit's identity cookie) and start a new session."""
    st.logout()
