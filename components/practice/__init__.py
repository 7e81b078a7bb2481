"""The Practice page's Streamlit UI pieces: the session's state and actions, the prompt picker, the clock, the
candidate's board (the Board's own pieces), the running session, grading on the rubric and the comparison with
a reference design.

Here "component" means a Streamlit UI piece; a placed block of a design is ``mlsd.model.Component``.
"""
