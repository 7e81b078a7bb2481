"""The practice page's state (a Streamlit UI piece): which session is open, and keeping it in the library.

The open session's id lives in the URL (``?session=ID``), so a reload, a bookmark or a second tab reopens it.
The session itself (``mlsd.practice.session.PracticeSession``: clock, pauses, notes, the candidate's design,
grades) is written to the library's practice-session table on every change, so nothing lives only in the
browser. Every action reads the stored session, applies one pure function of ``mlsd.practice.session`` with the
current time, and writes it back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal

import streamlit as st
from pydantic import ValidationError

from components.common.markup import plain
from components.common.store import store
from mlsd.io import DesignError, load_file, loads
from mlsd.model import Design
from mlsd.practice.compare import Comparison, compare
from mlsd.practice.prompts import Prompt, get_prompt
from mlsd.practice.session import PracticeSession, from_state, to_state
from mlsd.store import NotFound, PermissionDenied, PracticeSessionRecord, StoreError

ROOT = Path(__file__).resolve().parents[2]
SESSION_PARAM = "session"  # ?session=<id>: the open session
PROMPT_PARAM = "prompt"  # ?prompt=<id>: preselect a prompt in the picker (links from the progress page)
FlashLevel = Literal["success", "info", "warning", "error"]


class PracticeKey(StrEnum):
    """Named ``st.session_state`` keys of the practice page."""

    TOPIC = "practice.topic"  # topic filter of the picker ("" = any)
    DIFFICULTY = "practice.difficulty"  # difficulty filter of the picker (None = any)
    PICK = "practice.pick"  # the prompt id chosen in the picker
    TOTAL = "practice.total"  # total minutes of the session to start
    FLASH = "practice.flash"  # messages shown once on the next run: list of (level, text)
    SYNCED = "practice.synced"  # (session id, board revision) last written to the library


class LoadError(Exception):
    """The session in the URL cannot be opened; the message says why and what to do."""


@dataclass(frozen=True)
class Loaded:
    """An open session: the library's record, the session it holds, and its prompt."""

    record: PracticeSessionRecord
    session: PracticeSession
    prompt: Prompt

    @property
    def id(self) -> str:
        return self.record.id


def now() -> datetime:
    """The current time (every clock reading of the page goes through here)."""
    return datetime.now(UTC)


def session_id() -> str | None:
    """The id of the session in the URL, or None."""
    value = st.query_params.get(SESSION_PARAM)
    return value.strip() or None if isinstance(value, str) else None


def set_session_id(sid: str | None) -> None:
    """Put a session's id in the URL (None: back to the picker)."""
    if sid is None:
        if SESSION_PARAM in st.query_params:
            del st.query_params[SESSION_PARAM]
    else:
        st.query_params[SESSION_PARAM] = sid


def open_session(sid: str) -> Loaded:
    """The stored session ``sid`` with its prompt; LoadError says why it cannot be opened."""
    try:
        record = store().get_session(sid)
    except NotFound:
        raise LoadError(f"There is no practice session {sid!r} in the library (it may have been deleted).") from None
    except PermissionDenied:
        raise LoadError(f"Practice session {sid!r} is someone else's: each person sees only their own practice "
                        "sessions.") from None
    except StoreError as exc:
        raise LoadError(f"The library cannot be read: {exc}") from exc
    try:
        session = from_state(record.state)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise LoadError(f"Practice session {sid} is stored in a shape this version cannot read "
                        f"({where}: {first['msg']}).") from exc
    try:
        prompt = get_prompt(session.prompt_id)
    except KeyError as exc:
        raise LoadError(f"Practice session {sid} is on the prompt {session.prompt_id!r}, which the prompt bank "
                        "no longer has.") from exc
    return Loaded(record, session, prompt)


def save(sid: str, session: PracticeSession, *, finished: bool = False, design_id: str | None = None,
         rubric: dict[str, object] | None = None, scores: dict[str, object] | None = None) -> PracticeSessionRecord:
    """Write the session to the library (StoreError when that fails)."""
    return store().update_session(sid, state=to_state(session), finished=finished, design_id=design_id,
                                  rubric=rubric, scores=scores)


@lru_cache(maxsize=32)
def reference_design(path: str) -> Design:
    """A prompt's reference design (``designs/reference/<id>.json``), read once."""
    return load_file(ROOT / path)


@lru_cache(maxsize=16)
def _comparison(design_json: str, prompt_id: str) -> Comparison:
    prompt = get_prompt(prompt_id)
    return compare(loads(design_json, "json", "practice design"), reference_design(prompt.reference), prompt)


def comparison(design: Design, prompt: Prompt) -> Comparison:
    """The candidate's design against the prompt and its reference (computed once per design)."""
    return _comparison(design.model_dump_json(), prompt.id)


def flash(level: FlashLevel, text: str) -> None:
    """A message shown once at the top of the next run."""
    items: list[tuple[FlashLevel, str]] = st.session_state.setdefault(PracticeKey.FLASH.value, [])
    items.append((level, text))


def show_flash() -> None:
    """Messages from the last action: successes as toasts, problems on the page."""
    items: list[tuple[FlashLevel, str]] = st.session_state.get(PracticeKey.FLASH.value) or []
    st.session_state[PracticeKey.FLASH.value] = []
    for level, text in items:
        if level in ("success", "info"):
            st.toast(plain(text), icon="✅" if level == "success" else "ℹ️")
        else:
            getattr(st, level)(plain(text))


def report_failure(action: str, exc: Exception) -> None:
    """Show why an action failed (never silently)."""
    detail = "; ".join(exc.problems) if isinstance(exc, DesignError) else str(exc)
    flash("error", f"Could not {action}: {detail}")


def clock(seconds: float) -> str:
    """Seconds as a clock reading: '7:05', '1:02:03'; negative readings get a minus sign."""
    sign = "-" if seconds < 0 else ""
    total = math.ceil(seconds) if seconds >= 0 else math.floor(-seconds)  # a countdown shows 0:00 only at the end
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}" if hours else f"{sign}{minutes}:{secs:02d}"


def minutes_text(minutes: float) -> str:
    """Minutes as people say them: '5 min', '2.5 min', '45 s'."""
    if minutes < 1:
        return f"{minutes * 60:.0f} s"
    return f"{minutes:g} min" if float(minutes).is_integer() else f"{minutes:.1f} min"
