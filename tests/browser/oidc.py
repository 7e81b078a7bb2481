"""Sign-in for the browser journeys: a local OpenID Connect provider and the app configured to use it.

The provider is ``oidc-provider-mock`` (a Flask app on werkzeug's threaded server, run in this test process on a
free port): it accepts any client id and secret, and its authorize page signs in whoever's subject is typed into
its one text field. ``PEOPLE`` are registered beforehand with their name and e-mail claims (subject = e-mail), so
``sign_in(page, email)`` signs in a person whose ``st.user`` has a name. The app reads the provider from a
temporary ``secrets.toml`` given to ``streamlit run --secrets.files``; ``redirect_uri`` uses Streamlit's
``{port}`` placeholder, filled in with the server's port.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from oidc_provider_mock import User, run_server_in_thread

from tests.browser.conftest import FIRST_RENDER_TIMEOUT_MS, serve_app

PEOPLE = {
    "ada@example.com": "Ada Lovelace",
    "grace@example.com": "Grace Hopper",
    "alan@example.com": "Alan Turing",
}
"""Who the provider knows, by e-mail (also their subject), with their names."""

SECRETS = """[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "{cookie_secret}"
client_id = "mlsd-whiteboard-tests"
client_secret = "not-a-secret"
server_metadata_url = "{issuer}/.well-known/openid-configuration"
"""


@contextlib.contextmanager
def mock_provider() -> Iterator[str]:
    """Run the mock provider on a free port with ``PEOPLE`` registered; yield its issuer URL."""
    people = [User(sub=email, claims={"email": email, "email_verified": True, "name": name})
              for email, name in PEOPLE.items()]
    with run_server_in_thread(port=0, user_claims=people) as server:
        yield f"http://localhost:{server.server_port}"


def write_secrets(folder: Path, issuer: str) -> Path:
    """A ``secrets.toml`` in ``folder`` whose ``[auth]`` section points at ``issuer``; returns its path."""
    path = folder / "secrets.toml"
    path.write_text(SECRETS.format(cookie_secret=secrets.token_urlsafe(32), issuer=issuer), encoding="utf-8")
    return path


@contextlib.contextmanager
def serve_signin_app(tmp: Path) -> Iterator[str]:
    """The app with sign-in against a fresh mock provider and its library at ``tmp/library.db``; yield its URL."""
    with mock_provider() as issuer:
        secrets_file = write_secrets(tmp, issuer)
        with serve_app(tmp, args=["--secrets.files", str(secrets_file)]) as url:
            yield url


def sign_in(page: Any, url: str, email: str) -> None:
    """Open the app at ``url``, press Sign in, sign in as ``email`` on the provider's page, and wait until the app
    says who is signed in."""
    page.goto(url)
    button = page.get_by_role("button", name="Sign in").first
    button.wait_for(timeout=FIRST_RENDER_TIMEOUT_MS)
    button.click()
    field = page.locator("input[name='sub']")
    field.wait_for()
    field.fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text("Signed in as").wait_for(timeout=FIRST_RENDER_TIMEOUT_MS)


def sign_out(page: Any) -> None:
    """Press Sign out, end the session on the provider's page (Streamlit sends the browser there, as the provider
    names an end-session endpoint), and wait until the app offers Sign in again."""
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name="Sign in").first.wait_for(timeout=FIRST_RENDER_TIMEOUT_MS)
