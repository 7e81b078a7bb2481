"""Interview practice: the prompt bank, timed practice sessions, the rubric, grading and the comparison of a
candidate's design with a prompt's reference design.

Here "component" means a placed block of a design (``mlsd.model.Component``), never a Streamlit UI piece:
this package is part of the domain and never imports Streamlit.

- ``prompts``: the prompts an interviewer gives (``prompt_bank/*.yaml``), validated at load.
- ``phases``: the phases of an interview answer and their default time budgets.
- ``session``: a practice session (clock, pauses, notes per phase, the candidate's design, grades) and the
  pure functions that move it on; the time is always passed in.
- ``rubric``: the eight rubric dimensions, the four levels and the total score.
- ``compare``: what the candidate's design has and lacks against the prompt and its reference design.
- ``grading``: the rubric pre-filled from the checklist results and the comparison, each level with reasons.
"""
