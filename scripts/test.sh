#!/usr/bin/env bash
# Every check of the project, from a fresh clone: ruff, mypy, then pytest (unit, AppTest and browser journeys).
#
#   bash scripts/test.sh [pytest args...]
#
# Creates .venv (or uses it) and installs requirements-dev.txt into it. PostgreSQL (server and libpq5) comes from
# apt when missing: the store tests run on SQLite and on a throwaway PostgreSQL server (as user postgres when
# root). Rebuilds the canvas bundle from frontend/'s lockfile and fails when it differs from the committed
# components/whiteboard/static (Node and npm come from apt when missing). The browser journeys need Debian's
# Chromium and a colour-emoji font (for faithful screenshots); when they are missing they are installed with apt-get
# as root or with passwordless sudo, else the script says how to install them (pytest then skips the journeys
# locally, and fails them when CI is set).
# Any failing step fails the script.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

APT_PACKAGES=()
python3 -c 'import ensurepip' 2>/dev/null || APT_PACKAGES+=(python3-venv)
[ -x /usr/bin/chromium ] || APT_PACKAGES+=(chromium)
command -v dot >/dev/null || APT_PACKAGES+=(graphviz)
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || APT_PACKAGES+=(fonts-noto-color-emoji)
command -v node >/dev/null || APT_PACKAGES+=(nodejs)
command -v npm >/dev/null || APT_PACKAGES+=(npm)
# PostgreSQL: the server binaries for the store tests' throwaway server (Debian puts pg_ctl in
# /usr/lib/postgresql/<version>/bin, off PATH), and libpq5, the C client library plain psycopg loads at run time.
command -v pg_ctl >/dev/null || compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || APT_PACKAGES+=(postgresql)
compgen -G '/usr/lib/*/libpq.so.5*' >/dev/null || compgen -G '/lib/*/libpq.so.5*' >/dev/null || APT_PACKAGES+=(libpq5)
can_be_root() { [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
if [ ${#APT_PACKAGES[@]} -gt 0 ]; then
  if can_be_root; then
    step "apt-get install ${APT_PACKAGES[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${APT_PACKAGES[@]}"
  else
    echo "missing Debian packages: ${APT_PACKAGES[*]}; install them with: sudo apt-get install ${APT_PACKAGES[*]}" >&2
  fi
fi

step "python environment (.venv)"
[ -x .venv/bin/python ] || python3 -m venv .venv
# shellcheck disable=SC1091
. .venv/bin/activate
python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

step "npm ci (axe-core for the browser journeys' accessibility checks)"
if command -v npm >/dev/null; then
  npm ci --prefix tests/browser/axe --silent --no-audit --no-fund
else
  echo "npm is missing: the accessibility checks are skipped locally (and fail in CI)" >&2
fi

step "npm ci (Mermaid, mxGraph and Excalidraw: the diagram tools' own code that checks our exported files)"
if command -v npm >/dev/null; then
  npm ci --prefix tests/formats_node --silent --no-audit --no-fund
  npm run --prefix tests/formats_node --silent build
else
  echo "npm is missing: the checks by the diagram tools are skipped locally (and fail in CI)" >&2
fi

step "canvas bundle: npm ci and build from frontend/package-lock.json, then compare with the committed one"
if command -v npm >/dev/null; then
  npm ci --prefix frontend --silent --no-audit --no-fund
  npm run --prefix frontend --silent typecheck
  npm run --prefix frontend --silent build
  # The build is deterministic: a bundle that differs from the commit was not built from the committed sources.
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git diff --exit-code --stat -- components/whiteboard/static \
      || { echo "components/whiteboard/static differs from a build of frontend/: commit the rebuilt bundle" >&2; exit 1; }
  fi
else
  echo "npm is missing: the canvas bundle is not rebuilt (tests/test_whiteboard_stamp.py still checks its stamp)" >&2
  if [ -n "${CI:-}" ]; then exit 1; fi
fi

step "ruff check ."
ruff check .

step "mypy (strict, the mlsd package)"
mypy

step "pytest"
# pytest exits 5 when it collects no test: with `set -e` that fails the script like any other failure.
python -m pytest "$@"
