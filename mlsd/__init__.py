"""MLSD Whiteboard's domain: ML system designs, their checklists and their numbers (importable without Streamlit).

Importing ``mlsd`` does no work and imports nothing heavy: each module imports what it needs.
"""

__version__ = "0.1.0"
