"""The practice clock (a Streamlit UI piece): the current phase, the time left in it and in the session.

While the session runs, the clock is a fragment that reruns every second on its own (``st.fragment(run_every=1)``),
so the countdown moves without rerunning the page (the canvas, the findings) every second. Paused and finished
sessions draw it once. The readings come from ``mlsd.practice.session`` at the current time; nothing here counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from components.practice.state import clock, minutes_text, now
from mlsd.practice.phases import PHASE_BY_ID, PHASE_IDS
from mlsd.practice.session import PracticeSession, current_phase, elapsed, time_left

CLOCK_KEY = "practice-clock"  # the clock's container (its CSS class is st-key-practice-clock)
# keep the clock in sight while the page scrolls (our own constant CSS, no user text)
_STICKY_CSS = """<style>
div:has(> .st-key-practice-clock) { position: sticky; top: 3.75rem; z-index: 50; }
.st-key-practice-clock { background-color: var(--st-background-color, #fff); background: #fff;
  box-shadow: 0 4px 8px -6px rgb(0 0 0 / 0.25); }
</style>"""


@dataclass(frozen=True)
class ClockReading:
    """What the clock shows at one instant."""

    phase: str
    phase_label: str
    phase_number: int  # 1-based
    phase_left: float  # seconds left in the phase (negative: overtime, last phase only)
    total_left: float  # seconds left in the session (negative: overtime)
    elapsed: float
    total: float  # seconds budgeted
    paused: bool
    finished: bool

    @property
    def overtime(self) -> bool:
        return self.total_left < 0

    @property
    def share(self) -> float:
        """Share of the budget used, 0..1."""
        return min(max(self.elapsed / self.total, 0.0), 1.0) if self.total > 0 else 1.0


def reading(session: PracticeSession, at: datetime) -> ClockReading:
    phase, left = current_phase(session, at)
    return ClockReading(
        phase=phase, phase_label=PHASE_BY_ID[phase].label, phase_number=PHASE_IDS.index(phase) + 1,
        phase_left=left, total_left=time_left(session, at), elapsed=elapsed(session, at),
        total=session.total_minutes * 60.0, paused=session.paused, finished=session.finished,
    )


def phase_strip(session: PracticeSession, current: str) -> str:
    """Every phase with its budget: done ones ticked, the current one in bold."""
    parts = []
    index = PHASE_IDS.index(current)
    for i, phase in enumerate(PHASE_IDS):
        text = f"{PHASE_BY_ID[phase].label} {minutes_text(session.budgets[phase])}"
        if i < index:
            parts.append(f"✓ ~~{text}~~")
        elif i == index:
            parts.append(f"▶ **{text}**")
        else:
            parts.append(text)
    return " · ".join(parts)


def draw_clock(session: PracticeSession) -> None:
    """The clock at the current time."""
    r = reading(session, now())
    if r.paused:
        badge = ":orange-badge[:material/pause: Paused]"
    elif r.finished:
        badge = ":gray-badge[:material/flag: Finished]"
    elif r.overtime:
        badge = ":red-badge[:material/alarm: Over time]"
    else:
        badge = ":green-badge[:material/timer: Running]"
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
        with st.container(width=330):
            st.markdown(f"**Phase {r.phase_number} of {len(PHASE_IDS)} · {r.phase_label}** {badge}  \n"
                        f":gray[{PHASE_BY_ID[r.phase].goal}]")
        if r.overtime:
            st.metric("Over time by", clock(-r.total_left), width="content",
                      help="The budget is used up: wrap up and finish when you are ready.")
        else:
            st.metric("Left in this phase", clock(r.phase_left), width="content",
                      help="The phases follow one another by their budgets; the clock moves on by itself.")
            st.metric("Left in total", clock(r.total_left), width="content",
                      help="Paused time does not count. A reload keeps the clock: it is stored with the session.")
    st.progress(r.share, text=phase_strip(session, r.phase))


live_clock = st.fragment(run_every=1)(draw_clock)


def show_clock(session: PracticeSession, controls: Callable[[], None] | None = None) -> None:
    """The clock, ticking every second while the session runs (only the clock reruns), and the controls."""
    st.html(_STICKY_CSS)
    with st.container(key=CLOCK_KEY, border=True):
        left, right = st.columns([4, 1.7], vertical_alignment="center")
        with left:
            if session.paused or session.finished:
                draw_clock(session)
            else:
                live_clock(session)
        if controls is not None:
            with right:
                controls()
