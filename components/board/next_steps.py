"""The next steps of a design being drawn (a Streamlit UI piece), at the top of the findings panel.

A short checklist computed by ``mlsd.start.next_steps`` from the design: set the requirements, draw the request
path, add the offline loop, add monitoring; the steps done are ticked, the first open one says how (and, for the
requirements, opens their tab in one click). Once every step is done the checklist steps aside for the findings.
"""

from __future__ import annotations

import streamlit as st

from components.board import state as bs
from mlsd.start import Step

DONE_ICON = ":material/check_circle:"
OPEN_ICON = ":material/radio_button_unchecked:"
NEXT_ICON = ":material/arrow_circle_right:"


def steps_markdown(steps: list[Step]) -> str:
    """The checklist as Markdown: one line per step, the first open one with how to do it."""
    lines = []
    first_open = next((s.id for s in steps if not s.done), None)
    for s in steps:
        if s.done:
            lines.append(f"{DONE_ICON} ~~{s.title}~~")
        elif s.id == first_open:
            lines.append(f"{NEXT_ICON} **{s.title}** — {s.how}")
        else:
            lines.append(f"{OPEN_ICON} {s.title}")
    return "  \n".join(lines)


def show_next_steps(steps: list[Step]) -> bool:
    """The next-steps checklist (``mlsd.start.next_steps`` of the design); False (and nothing drawn) once every
    step is done."""
    done = sum(s.done for s in steps)
    if done == len(steps):
        return False
    with st.container(border=True, key="board.next_steps"):
        st.markdown(f"**Next steps** · {done} of {len(steps)} done", help=(
            "What a reviewed ML design needs, in the order an interview answer builds it. Findings colour the "
            "canvas once a block is connected or the requirements are set; the list below shows them all."))
        st.markdown(steps_markdown(steps))
        if next((s.id for s in steps if not s.done), None) == "requirements":
            st.button("Set the requirements", key="board.next.requirements", icon=":material/tune:",
                      on_click=bs.show_panel, args=("Requirements",), type="tertiary",
                      help="Opens the Requirements tab of this panel.")
    return True
