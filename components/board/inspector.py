"""The inspector (a Streamlit UI piece): edit the selected block or connection, and the design's requirements.

For a selected block (``mlsd.model.Component``): its label, its kind (read-only, with what it is for), every
prop of the kind's defaults and every prop it carries, each under its human label with its unit and help text
from ``mlsd.catalog.PROP_SPECS`` (the prop's id is named in the help) and an input of the prop's type; an edit
that the model refuses is shown under the input (the design is left as it was). For a selected connection: its
flow type and label.

Widget keys carry the board's revision number, so that after any change of the design (undo, an edit on the
canvas) the inputs are drawn afresh from the design instead of keeping what was typed before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from annotated_types import Ge, Le

from components.board import state as bs
from components.common.markup import plain
from mlsd import edit
from mlsd.catalog import CATEGORIES, KINDS, PROP_SPECS
from mlsd.catalog.props import PropSpec, PropValue
from mlsd.io import DesignError
from mlsd.model import FLOWS, Component, Connection, Requirements

FLOW_HELP = {
    "request": "a synchronous call: the caller waits, so it counts toward the latency SLA",
    "stream": "events flow continuously (a queue or a stream)",
    "batch": "data moves in periodic jobs (hourly, daily)",
    "feedback": "outcomes and labels flowing back toward training",
}
REQUIREMENTS: dict[str, tuple[str, str]] = {
    "sla_p99_ms": ("p99 latency SLA", "ms"),
    "peak_qps": ("Peak load", "requests/s"),
    "data_volume_gb": ("Data volume", "GB"),
    "daily_active_users": ("Daily active users", "users"),
    "corpus_size": ("Corpus size", "items"),
    "freshness_minutes": ("Freshness", "minutes"),
    "positive_rate": ("Positive-class rate", "0..1"),
    "headroom": ("Capacity headroom above peak", "0.3 = 30%"),
    "budget_per_month": ("Budget", "USD/month"),
}


def _key(*parts: object) -> str:
    return bs.widget_key("board.insp", *parts)


def _apply(widget: str, change: Callable[[], Any]) -> None:
    """Run an edit from a widget's callback; a refused edit is kept as the widget's inline error.

    A widget of an earlier run (the browser had not drawn the latest one yet) changes nothing."""
    if not bs.is_current(widget):
        return
    try:
        new = change()
    except (DesignError, ValueError) as exc:
        problems = exc.problems if isinstance(exc, DesignError) else [str(exc)]
        bs.set_error(widget, problems)
        return
    bs.clear_error(widget)
    bs.commit(new)


def _show_errors(widget: str) -> None:
    for problem in bs.error_of(widget):
        st.error(plain(problem), icon=":material/error:")


# -- blocks -------------------------------------------------------------------------------------------------


def _on_label(block_id: str, widget: str) -> None:
    _apply(widget, lambda: edit.set_label(bs.design(), block_id, st.session_state[widget]))


def _on_prop(block_id: str, name: str, widget: str) -> None:
    value = st.session_state[widget]
    if value is None:  # an emptied number box: back to the kind's default
        _apply(widget, lambda: _reset_prop(block_id, name))
        return
    _apply(widget, lambda: edit.set_prop(bs.design(), block_id, name, value))


def _reset_prop(block_id: str, name: str) -> Any:
    design = bs.design()
    block = next(c for c in design.components if c.id == block_id)
    return edit.remove_prop(design, block_id, name) if name in block.props else design


def _on_add_prop(block_id: str, widget: str) -> None:
    name = st.session_state[widget]
    if name and bs.is_current(widget):
        _apply(widget, lambda: edit.add_prop(bs.design(), block_id, name))


def _on_remove_prop(block_id: str, name: str, widget: str) -> None:
    _apply(widget, lambda: edit.remove_prop(bs.design(), block_id, name))


def _on_delete_block(block_id: str, title: str) -> None:
    bs.commit(edit.delete_block(bs.design(), block_id))
    bs.select(None)
    bs.flash("success", f"Deleted block {title!r} and its connections. Undo brings it back.")


def _step(spec: PropSpec) -> float:
    if spec.maximum is not None and spec.maximum <= 1:
        return 0.01
    if "cost" in spec.name:
        return 0.01
    return 1.0


def unit_text(unit: str) -> str:
    """A unit as a person reads it: ``0..1`` is a share, shown ``0–1``."""
    return "0–1" if unit == "0..1" else unit


def prop_label(spec: PropSpec) -> str:
    """The catalog's human label with its unit: ``Throughput per replica (req/s)``; a unit the label already
    says is left out (``Replicas``, not ``Replicas (replicas)``)."""
    if not spec.unit or spec.unit.lower() in spec.label.lower():
        return spec.label
    return f"{spec.label} ({unit_text(spec.unit)})"


def _shown(value: PropValue) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(value) or "none"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _prop_input(block: Component, name: str, spec: PropSpec, own: bool) -> None:
    widget = _key(block.id, "prop", name)
    value: PropValue | None = block.prop(name)
    default = KINDS[block.kind].props.get(name)
    origin = "set on this block" if own else "the kind's default"
    help_text = (f"{spec.help} Now: {origin}" + (f"; the kind's default is {_shown(default)}." if default is not None
                                                  else ".") + f" In the design file: `{name}`.")
    label = prop_label(spec)
    args = (block.id, name, widget)
    if spec.type in ("float", "int"):
        is_int = spec.type == "int"
        conv: Callable[[Any], Any] = int if is_int else float
        number = conv(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        st.number_input(
            label, key=widget, value=number, help=help_text, on_change=_on_prop, args=args,
            min_value=conv(spec.minimum) if spec.minimum is not None else None,
            max_value=conv(spec.maximum) if spec.maximum is not None else None,
            step=1 if is_int else _step(spec), format=None if is_int else "%g",
        )
    elif spec.type == "bool":
        st.toggle(label, key=widget, value=bool(value), help=help_text, on_change=_on_prop, args=args)
    elif spec.type == "enum":
        options = list(spec.choices)
        st.selectbox(label, options, key=widget, index=options.index(value) if value in options else None,
                     help=help_text, on_change=_on_prop, args=args)
    elif spec.type == "list":
        shown = ", ".join(value) if isinstance(value, list) else ""
        st.text_input(label, key=widget, value=shown, help=help_text + " Separate values with commas.",
                      on_change=_on_prop, args=args)
    else:
        st.text_input(label, key=widget, value=str(value or ""), help=help_text, on_change=_on_prop, args=args)
    _show_errors(widget)


def show_block(block: Component) -> None:
    kind = KINDS[block.kind]
    category = CATEGORIES[kind.category]
    st.markdown(f"**{category.icon} {plain(block.title)}**")
    st.caption(f"Block id `{block.id}` · kind **{plain(kind.label)}** ({plain(category.label)}, {kind.tier}): "
               f"{plain(kind.purpose)}")
    widget = _key(block.id, "label")
    st.text_input("Label", key=widget, value=block.label, on_change=_on_label, args=(block.id, widget),
                  placeholder=kind.label,
                  help="The name shown on the block (at most 200 characters). Empty shows the kind's name.")
    _show_errors(widget)

    names = list(kind.props) + [p for p in block.props if p not in kind.props]
    st.markdown("**Props**")
    if not names:
        st.caption("This kind has no default props; add one below.")
    for name in names:
        spec = PROP_SPECS.get(name)
        if spec is not None:
            _prop_input(block, name, spec, own=name in block.props)

    others = sorted(n for n in PROP_SPECS if n not in names)
    add_widget = _key(block.id, "add_prop")
    st.selectbox(
        "Add a prop", others, index=None, key=add_widget, placeholder="Choose a prop to add…",
        format_func=lambda n: f"{prop_label(PROP_SPECS[n])} — {PROP_SPECS[n].help}",
        on_change=_on_add_prop, args=(block.id, add_widget),
        help="Every block may carry any known prop, e.g. 'fallback' or 'regions'; rules read them.",
    )
    _show_errors(add_widget)
    extra = [n for n in block.props if n not in kind.props]
    if extra:
        with st.popover("Remove a prop", icon=":material/remove:",
                        help="Props this block carries beyond its kind's defaults."):
            for name in extra:
                widget = _key(block.id, "remove", name)
                label = PROP_SPECS[name].label if name in PROP_SPECS else name
                st.button(f"Remove {label}", key=widget, on_click=_on_remove_prop, args=(block.id, name, widget),
                          help=f"Drop {label} (`{name}`) from this block.")
    st.button("Delete block", key=_key(block.id, "delete"), icon=":material/delete:", on_click=_on_delete_block,
              args=(block.id, block.title), help="Removes the block and its connections (undo brings them back).")


# -- connections --------------------------------------------------------------------------------------------


def _on_flow(conn_id: str, widget: str) -> None:
    _apply(widget, lambda: edit.set_connection(bs.design(), conn_id, flow=st.session_state[widget]))


def _on_conn_label(conn_id: str, widget: str) -> None:
    _apply(widget, lambda: edit.set_connection(bs.design(), conn_id, label=st.session_state[widget]))


def _on_fallback(conn_id: str, widget: str) -> None:
    _apply(widget, lambda: edit.set_connection(bs.design(), conn_id, fallback=st.session_state[widget]))


def _on_delete_conn(conn_id: str) -> None:
    bs.commit(edit.delete_connection(bs.design(), conn_id))
    bs.select(None)
    bs.flash("success", "Deleted the connection. Undo brings it back.")


def show_connection(conn: Connection) -> None:
    blocks = bs.design().by_id()
    source, target = blocks[conn.source].title, blocks[conn.target].title
    st.markdown(f"**Connection** {plain(source)} → {plain(target)}")
    st.caption(f"Connection id `{conn.id}`")
    widget = _key(conn.id, "flow")
    st.selectbox(
        "Flow type", list(FLOWS), index=list(FLOWS).index(conn.flow), key=widget, on_change=_on_flow,
        args=(conn.id, widget), format_func=lambda f: f"{f} — {FLOW_HELP[f]}",
        help="Only request connections count toward the latency SLA; stream, batch and feedback connections "
             "carry data between the online and offline parts of the system.",
    )
    _show_errors(widget)
    if conn.flow == "request":
        widget = _key(conn.id, "fallback")
        st.checkbox("Fallback", value=conn.fallback, key=widget, on_change=_on_fallback, args=(conn.id, widget),
                    help="Called only when the source's other calls fail or time out: no load and no latency on "
                         "the happy path; it answers in the failure what-if (LAT-9 checks it answers in time).")
        _show_errors(widget)
    widget = _key(conn.id, "label")
    st.text_input("Label", key=widget, value=conn.label or "", on_change=_on_conn_label, args=(conn.id, widget),
                  placeholder=conn.flow, help="Text on the arrow (at most 200 characters); empty shows the flow.")
    _show_errors(widget)
    st.button("Delete connection", key=_key(conn.id, "delete"), icon=":material/delete:", on_click=_on_delete_conn,
              args=(conn.id,), help="Removes this connection (undo brings it back).")


def show_inspector() -> None:
    """The editor of the selected block or connection, or what to do when nothing is selected."""
    design = bs.design()
    chosen = bs.selected()
    block = next((c for c in design.components if c.id == chosen), None)
    conn = next((e for e in design.connections if e.id == chosen), None)
    if block is not None:
        show_block(block)
    elif conn is not None:
        show_connection(conn)
    elif design.components:
        st.info("Click a block or an arrow on the canvas to edit it here.", icon=":material/ads_click:")
    else:
        st.info("Drag a block from the palette at the canvas' left edge, or start from a template; then click a "
                "block to edit it here.",
                icon=":material/ads_click:")
    if chosen is not None:
        st.button("Clear selection", key="board.insp.clear", on_click=bs.select, args=(None,),
                  help="Stop editing this item.", type="tertiary")


# -- requirements -------------------------------------------------------------------------------------------


def bounds(name: str) -> tuple[float | None, float | None]:
    """The (min, max) a requirement accepts, read from the model."""
    low = high = None
    for item in Requirements.model_fields[name].metadata:
        if isinstance(item, Ge):
            low = float(item.ge)  # type: ignore[arg-type]
        elif isinstance(item, Le):
            high = float(item.le)  # type: ignore[arg-type]
    return low, high


def _on_requirement(name: str, widget: str) -> None:
    value = st.session_state[widget]
    if name == "regions":
        value = [part.strip() for part in str(value).split(",") if part.strip()]
    _apply(widget, lambda: edit.set_requirements(bs.design(), **{name: value}))


def show_requirements() -> None:
    """The design's non-functional targets, each an input with its unit; empty means not set."""
    req = bs.design().requirements
    st.caption("The targets the checklists hold the design to. Leave a box empty when it does not apply.")
    for name, (label, unit) in REQUIREMENTS.items():
        widget = bs.widget_key("board.req", name)
        low, high = bounds(name)
        value = getattr(req, name)
        description = Requirements.model_fields[name].description or ""
        st.number_input(
            f"{label} ({unit})", key=widget, value=None if value is None else float(value), min_value=low,
            max_value=high, format="%g", step=0.01 if high is not None and high <= 10 else 1.0,
            on_change=_on_requirement, args=(name, widget), placeholder="not set", help=description,
        )
        _show_errors(widget)
    widget = bs.widget_key("board.req", "regions")
    st.text_input("Regions", key=widget, value=", ".join(req.regions), on_change=_on_requirement,
                  args=("regions", widget), placeholder="e.g. us-east-1, eu-west-1",
                  help="Regions the system must serve, separated by commas.")
    _show_errors(widget)


# -- notes --------------------------------------------------------------------------------------------------


def _on_notes(widget: str) -> None:
    _apply(widget, lambda: edit.set_notes(bs.design(), str(st.session_state[widget])))


def show_notes() -> None:
    """The design's notes (Markdown), saved with the design."""
    widget = bs.widget_key("board.notes")
    st.text_area("Notes (Markdown)", value=bs.design().notes, key=widget, on_change=_on_notes, args=(widget,),
                 height=200, help="Assumptions, open questions, decisions: saved with the design.")
    _show_errors(widget)
