"""Edits of a design: pure functions ``Design -> Design`` used by the board (and usable from anywhere).

Here "component" means a placed block of a design (``mlsd.model.Component``). Every function returns a new
Design and leaves its input untouched; an edit that would make the design invalid raises ``DesignError``
whose ``problems`` are one line each, naming the block or connection (``block 'gw': props.replicas must be
≥ 1, got 0``). Nothing here imports Streamlit.

``mlsd.edit`` is the one face callers use (``edit.add_block(...)``); one module per idea behind it:
- ``design``: a new design, its name, requirements, waivers and notes;
- ``blocks``: add (at a free spot of the grid), delete, move and relabel blocks;
- ``props``: a block's props, typed and checked against the catalog;
- ``connections``: connect two blocks, delete a connection, change its flow, label or fallback mark;
- ``ids``: free ids for new blocks and connections;
- ``checks``: what every edit checks, and how it refuses.
"""

from mlsd.edit.blocks import add_block, delete_block, free_spot, has_layout, move_blocks, new_block, set_label
from mlsd.edit.connections import connect, delete_connection, new_connection, set_connection
from mlsd.edit.design import add_waiver, new_design, remove_waiver, rename, set_notes, set_requirements
from mlsd.edit.ids import fresh_id, next_connection_id
from mlsd.edit.props import add_prop, coerce_prop, remove_prop, set_prop, starting_value

__all__ = [
    "add_block",
    "add_prop",
    "add_waiver",
    "coerce_prop",
    "connect",
    "delete_block",
    "delete_connection",
    "free_spot",
    "fresh_id",
    "has_layout",
    "move_blocks",
    "new_block",
    "new_connection",
    "new_design",
    "next_connection_id",
    "remove_prop",
    "remove_waiver",
    "rename",
    "set_connection",
    "set_label",
    "set_notes",
    "set_prop",
    "set_requirements",
    "starting_value",
]
