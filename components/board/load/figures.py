"""The numbers under load as plotly figures, each a plain function of the analysis (so tests read their data).

- ``ramp_figure``: p99 against load (× peak) per serving path, the SLA as a line, each path's knee marked, the
  loads where a tier is saturated shaded and marked "saturated" (a saturated load has no p99: nothing is drawn
  there as a number, and the line stops);
- ``utilisation_figure``: each queued tier's utilisation at peak, with 100% and the headroom target marked;
- ``cost_figure``: monthly cost at each load of the ramp (autoscaling follows the load), with the budget line;
- ``latency_histogram``: a simulation's end-to-end latencies, with the simulated and the modelled p99.

Colour is never the only signal: lines differ in dash, bars carry their value and state as text, and each mark
is named in the legend or by an annotation. Text colours keep a contrast of at least 4.5:1 on white.
Block labels are user text: they go through ``charts.text`` (HTML-escaped; plotly reads a few tags).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from components.board.charts import text, unique
from mlsd.analysis import Analysis, TierCapacity
from mlsd.analysis.latency import MODEL_NAME as LATENCY_MODEL_NAME
from mlsd.analysis.ramp import PathRamp, Ramp
from mlsd.model import Design

INK = "#212121"  # text: 16:1 on white
MUTED = "#4f5b66"  # secondary text: 6.9:1 on white
SLA_COLOR = "#c62828"  # 5.6:1 on white
SATURATED_COLOR = "#b71c1c"
SATURATED_FILL = "rgba(198, 40, 40, 0.08)"
OVER_TARGET_COLOR = "#e65100"
OK_COLOR = "#3949ab"
PATH_COLORS = ("#283593", "#00695c", "#6a1b9a", "#ad1457", "#4e342e")
PATH_DASHES = ("solid", "dash", "dot", "dashdot", "longdash")
MAX_RAMP_PATHS = len(PATH_COLORS)
MAX_BARS = 25
UTILISATION_CAP = 1.5  # bars stop at 150%; their text says the real figure
VALUE_COLUMN_X = 158.0  # where the column of utilisation figures starts (x axis, %), right of the longest bar
HIST_BINS = 40
MODEL_NAME = LATENCY_MODEL_NAME


def titles_of(design: Design) -> dict[str, str]:
    return {c.id: c.title for c in design.components}


class Marks:
    """Lines, bands and their labels as plain layout dicts (plotly's ``add_vline`` & co. take ~10 ms each)."""

    def __init__(self) -> None:
        self.shapes: list[dict[str, Any]] = []
        self.annotations: list[dict[str, Any]] = []

    def _label(self, text: str, color: str, size: int, **where: Any) -> None:
        self.annotations.append({"text": text, "showarrow": False, "font": {"color": color, "size": size},
                                 "bgcolor": "rgba(255, 255, 255, 0.85)", **where})

    def vline(self, x: float, color: str, *, dash: str = "solid", width: float = 1.0, label: str = "",
              at: str = "top left", size: int = 11, name: str = "") -> None:
        """A vertical line at ``x``; ``at``: where its label goes ('top'/'bottom' and 'left'/'right' of it;
        'above' puts it over the plot area, in the top margin)."""
        self.shapes.append({"type": "line", "name": name, "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1,
                            "yref": "paper", "line": {"color": color, "dash": dash, "width": width}})
        if label:
            top = "top" in at
            side = "left" if "left" in at else "right" if "right" in at else "center"
            above = "above" in at
            self._label(label, color, size, x=x, xref="x", y=1 if top or above else 0, yref="paper",
                        yanchor="bottom" if above or not top else "top",
                        xanchor={"left": "right", "right": "left", "center": "center"}[side])

    def hline(self, y: float, color: str, *, dash: str = "solid", width: float = 1.0, label: str = "",
              above: bool = False, size: int = 12, name: str = "") -> None:
        """A horizontal line at ``y`` with its label at the left, below (or ``above``) the line."""
        self.shapes.append({"type": "line", "name": name, "x0": 0, "x1": 1, "xref": "paper", "y0": y, "y1": y,
                            "yref": "y", "line": {"color": color, "dash": dash, "width": width}})
        if label:
            self._label(label, color, size, x=0.01, xref="paper", y=y, yref="y", xanchor="left",
                        yanchor="bottom" if above else "top")

    def note(self, text: str, color: str, x: float, y: float, size: int = 11, anchor: str = "left") -> None:
        """A label at data coordinates (x, y), its ``anchor`` edge at x."""
        self._label(text, color, size, x=x, xref="x", y=y, yref="y", xanchor=anchor, yanchor="top",
                    align=anchor)

    def vband(self, x0: float, x1: float, fill: str, name: str = "") -> None:
        self.shapes.append({"type": "rect", "name": name, "x0": x0, "x1": x1, "xref": "x", "y0": 0, "y1": 1,
                            "yref": "paper", "fillcolor": fill, "line": {"width": 0}, "layer": "below"})


def _axis(title: str, **more: Any) -> dict[str, Any]:
    return {"title": {"text": title, "font": {"color": INK}}, "tickfont": {"color": INK}, "gridcolor": "#e0e0e0",
            "zerolinecolor": "#bdbdbd", **more}


def _figure(data: list[Any], title: str, height: int, marks: Marks, xaxis: dict[str, Any],
            yaxis: dict[str, Any], **layout: Any) -> go.Figure:
    """One figure, built in one go, with readable text (Streamlit's theme greys tick labels below 4.5:1)."""
    base: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 14, "color": INK}}, "height": height, "font": {"color": INK},
        "margin": {"l": 10, "r": 10, "t": 48, "b": 10},
        "legend": {"orientation": "h", "y": -0.22, "x": 0, "font": {"color": INK}},
        "hoverlabel": {"font": {"color": INK}, "bgcolor": "white"}, "showlegend": False,
        "shapes": marks.shapes, "annotations": marks.annotations, "xaxis": xaxis, "yaxis": yaxis,
    }
    base.update(layout)
    return go.Figure(data=data, layout=base)


def fmt_ms(value: float | None) -> str:
    """A latency for people: '76 ms', '4.5 ms', or 'saturated' when there is none."""
    if value is None:
        return "saturated"
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def fmt_load(load: float) -> str:
    """A multiple of the peak: '0.1×', '1.81×', '3×'."""
    return f"{load:.2f}".rstrip("0").rstrip(".") + "×"


def wrap(label: str, width: int = 24, lines: int = 2) -> str:
    """User text for a plotly axis label on at most ``lines`` lines of about ``width`` characters (HTML-escaped;
    cut with '…' only when it does not fit)."""
    out: list[str] = []
    line = ""
    words = label.split()
    for i, word in enumerate(words):
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = ""
            if len(out) == lines:
                rest = " ".join(words[i:])
                out[-1] = out[-1] + " " + rest
                break
        line = f"{line} {word}" if line else word
    else:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
    return "<br>".join(text(part, width + 6) for part in out)


# -- the ramp -----------------------------------------------------------------------------------------------


def knee_of(p: PathRamp) -> float | None:
    """The load where the path stops holding: the ramp's knee, never past the load where a tier of the path
    saturates (the ramp finds a knee caused by saturation on its sample points, up to one step late)."""
    if p.knee_load is None:
        return None
    if p.saturation_load is not None and p.saturation_load < p.knee_load:
        return p.saturation_load
    return p.knee_load


def shown_paths(ramp: Ramp) -> list[PathRamp]:
    """The paths the ramp plot draws: the first to break (lowest knee, then slowest at peak) first."""
    def order(p: PathRamp) -> tuple[float, float]:
        finite = [v for v in p.p99_ms if v is not None]
        return (p.knee_load if p.knee_load is not None else float("inf"), -(max(finite) if finite else 0.0))

    return sorted(ramp.paths, key=order)[:MAX_RAMP_PATHS]


def _top(ramp: Ramp, paths: Sequence[PathRamp]) -> float:
    """The y-axis' top: room above the highest p99 and the SLA."""
    values = [v for p in paths for v in p.p99_ms if v is not None]
    sla = [p.sla_ms for p in paths if p.sla_ms is not None]
    return max([*values, *sla, 1.0]) * 1.3


def ramp_figure(design: Design, ramp: Ramp) -> go.Figure | None:
    """p99 against load per serving path (see the module docstring); None without a serving path."""
    paths = shown_paths(ramp)
    if not paths:
        return None
    titles = titles_of(design)
    loads = list(ramp.loads)
    top = _top(ramp, paths)
    data: list[Any] = []
    marks = Marks()
    saturated_x: list[float] = []
    saturated_info: list[list[Any]] = []
    knees: list[tuple[float, float, float, str]] = []
    notes: list[tuple[float, str]] = []
    names = unique([text(titles.get(p.entry, p.entry), 32) for p in paths])
    for i, (p, name) in enumerate(zip(paths, names, strict=True)):
        color, dash = PATH_COLORS[i % len(PATH_COLORS)], PATH_DASHES[i % len(PATH_DASHES)]
        qps = [x * p.peak_qps for x in loads]
        data.append(go.Scatter(
            x=loads, y=[None if v is None else round(v, 2) for v in p.p99_ms], mode="lines+markers", name=name,
            line={"color": color, "dash": dash, "width": 2}, marker={"size": 6}, connectgaps=False,
            customdata=qps, meta=p.entry,
            hovertemplate="%{x:.2f}× peak (%{customdata:,.0f} req/s)<br>p99 %{y:,.1f} ms<extra>" + name
                          + "</extra>",
        ))
        first = next((j for j, v in enumerate(p.p99_ms) if v is None), None)
        if first is not None:
            tier = text(titles.get(p.first_saturated, p.first_saturated), 28) if p.first_saturated else "a tier"
            start = p.saturation_load if p.saturation_load is not None and p.saturation_load <= loads[first] \
                else loads[first]
            marks.vband(max(start, loads[0]), loads[-1] + 0.1, SATURATED_FILL, name=f"saturated {p.entry}")
            if len(notes) < 2 and all(tier not in n for _, n in notes):
                notes.append((max(start, loads[0]), f"{tier}<br>saturates at {fmt_load(start)}"))
            for j in range(first, len(loads)):
                if p.p99_ms[j] is None:
                    saturated_x.append(loads[j])
                    saturated_info.append([qps[j], f"{name}: saturated ({tier} at 100% or more)"])
        knee = knee_of(p)
        if knee is not None and not p.knee_below_ramp:  # below the ramp: the sentence says so, no mark at 0
            y = p.sla_ms if p.sla_ms is not None else _last_finite(p)
            knees.append((knee, y if y is not None else top * 0.9, knee * p.peak_qps, name))
    if saturated_x:
        data.append(go.Scatter(
            x=saturated_x, y=[top * 0.96] * len(saturated_x), mode="markers",
            name="saturated: no p99 (the queue grows without bound)",
            marker={"symbol": "x-thin", "size": 10, "line": {"width": 2, "color": SATURATED_COLOR}},
            customdata=saturated_info,
            hovertemplate="%{x:.2f}× peak (%{customdata[0]:,.0f} req/s)<br>%{customdata[1]}<extra></extra>",
        ))
    if knees:
        data.append(go.Scatter(
            x=[k[0] for k in knees], y=[k[1] for k in knees], mode="markers+text", name="knee: the SLA breaks here",
            marker={"symbol": "diamond", "size": 13, "color": "white", "line": {"width": 2.5, "color": INK}},
            text=[f"knee {fmt_load(k[0])}" for k in knees], textfont={"color": INK, "size": 11},
            textposition=["top left" if i % 2 == 0 else "bottom left" for i in range(len(knees))],
            customdata=[[k[2], k[3]] for k in knees],
            hovertemplate="knee of %{customdata[1]}<br>%{x:.2f}× peak (%{customdata[0]:,.0f} req/s)"
                          "<extra></extra>",
        ))
        for load, _, _, _ in knees:
            marks.vline(load, INK, dash="dot", name="knee")
    for i, (_, label) in enumerate(notes):  # at the plot's right edge, inside the shaded loads
        marks.note(label, SATURATED_COLOR, loads[-1] + 0.08, top * (0.9 - 0.12 * i), anchor="right")
    sla = next((p.sla_ms for p in paths if p.sla_ms is not None), None)
    if sla is not None:
        marks.hline(sla, SLA_COLOR, dash="dash", width=2, label=f"SLA {sla:g} ms", above=True, name="sla")
    marks.vline(1.0, MUTED, label="peak", at="bottom right", name="peak")
    return _figure(
        data, f"p99 against load — {MODEL_NAME}", 440, marks,
        _axis("load (× the declared peak)", range=[0, loads[-1] + 0.1], ticksuffix="×", dtick=0.5),
        _axis("p99 latency (ms)", range=[0, top]),
        showlegend=True, hovermode="closest", legend={"orientation": "h", "y": -0.18, "x": 0,
                                                       "font": {"color": INK}},
    )


def _last_finite(p: PathRamp) -> float | None:
    return next((v for v in reversed(p.p99_ms) if v is not None), None)


# -- utilisation at peak ------------------------------------------------------------------------------------


def queued_tiers(analysis: Analysis) -> list[TierCapacity]:
    """Tiers with a utilisation at peak, the busiest first (at most MAX_BARS)."""
    rows = [t for t in analysis.capacity.values() if t.queued and t.utilisation is not None]
    rows.sort(key=lambda t: -(t.utilisation or 0.0))
    return rows[:MAX_BARS]


def target_utilisation(headroom: float) -> float:
    """The highest utilisation that keeps ``headroom`` spare: capacity ≥ peak × (1 + headroom)."""
    return 1.0 / (1.0 + headroom)


def utilisation_state(t: TierCapacity, headroom: float) -> str:
    """'saturated', 'over the headroom target' or 'ok'."""
    u = t.utilisation or 0.0
    if t.saturated:
        return "saturated"
    if u > target_utilisation(headroom) + 1e-9:
        return "over the headroom target"
    return "ok"


def utilisation_figure(design: Design, analysis: Analysis) -> go.Figure | None:
    """Utilisation at peak per queued tier, with 100% (capacity) and the headroom target; None without tiers.

    Bars stop at 150%; each tier's figure and state are written in a column at the right (colour is not the
    only signal, and no line crosses the text)."""
    rows = queued_tiers(analysis)
    if not rows:
        return None
    titles = titles_of(design)
    headroom = design.requirements.headroom
    target = target_utilisation(headroom)
    states = [utilisation_state(t, headroom) for t in rows]
    colors = {"saturated": SATURATED_COLOR, "over the headroom target": OVER_TARGET_COLOR, "ok": OK_COLOR}
    labels = []
    for t, state in zip(rows, states, strict=True):
        u = t.utilisation or 0.0
        labels.append(f"<b>{u:.0%} saturated</b>" if state == "saturated" else f"{u:.0%} over target"
                      if state != "ok" else f"{u:.0%}")
    names = unique([wrap(titles.get(t.block, t.block)) for t in rows])
    bars = go.Bar(
        x=[min(t.utilisation or 0.0, UTILISATION_CAP) * 100 for t in rows], y=names, orientation="h",
        name="utilisation",
        marker={"color": [colors[s] for s in states],
                "pattern": {"shape": ["/" if s == "saturated" else "" for s in states], "fgcolor": "white"}},
        customdata=[[t.peak_qps, t.replicas, t.qps_per_replica or 0.0, label, (t.p_wait or 0.0)]
                    for t, label in zip(rows, labels, strict=True)],
        hovertemplate="%{y}: %{customdata[3]}<br>%{customdata[0]:,.0f} req/s at peak on %{customdata[1]} × "
                      "%{customdata[2]:,.0f} req/s<br>P(wait) %{customdata[4]:.2f}<extra></extra>",
    )
    values = go.Scatter(
        x=[VALUE_COLUMN_X] * len(rows), y=names, mode="text", text=labels, textposition="middle right",
        textfont={"color": [SATURATED_COLOR if s == "saturated" else INK for s in states]}, name="value",
        hoverinfo="skip",
    )
    marks = Marks()
    marks.vline(100, SATURATED_COLOR, width=2, label="100%: saturated", at="above right", name="capacity")
    marks.vline(target * 100, INK, dash="dash", width=1.5, label=f"target ≤ {target:.0%} ({headroom:.0%} headroom)",
                at="above left", name="target")
    return _figure(
        [bars, values], "Utilisation per tier at peak", max(260, 36 * len(rows) + 120), marks,
        _axis("utilisation at peak", range=[0, 250], tickvals=[0, 50, 100, 150],
              ticktext=["0%", "50%", "100%", "150%"]),
        _axis("", autorange="reversed"),
        margin={"l": 10, "r": 10, "t": 72, "b": 10}, bargap=0.35,
    )


# -- cost at each load --------------------------------------------------------------------------------------


def cost_figure(ramp: Ramp, budget: float | None) -> go.Figure | None:
    """Monthly cost at each load of the ramp, with the budget as a line; None when nothing has a cost."""
    if not ramp.cost_per_month or max(ramp.cost_per_month) <= 0:
        return None
    loads = list(ramp.loads)
    line = go.Scatter(
        x=loads, y=[round(c, 2) for c in ramp.cost_per_month], mode="lines+markers", name="monthly cost",
        line={"color": OK_COLOR, "width": 2}, hovertemplate="%{x:.2f}× peak: $%{y:,.0f} per month<extra></extra>",
    )
    top = max([*ramp.cost_per_month, budget or 0.0]) * 1.2
    marks = Marks()
    if budget is not None:
        marks.hline(budget, SLA_COLOR, dash="dash", width=2, label=f"budget ${budget:,.0f}/month", above=True,
                    name="budget")
    marks.vline(1.0, MUTED, label="peak", at="bottom right", name="peak")
    return _figure(
        [line], "Monthly cost at each load (autoscaling follows the load)", 320, marks,
        _axis("load (× the declared peak)", range=[0, loads[-1] + 0.1], ticksuffix="×", dtick=0.5),
        _axis("USD per month", range=[0, top], tickprefix="$"),
    )


# -- the simulation -----------------------------------------------------------------------------------------


def latency_histogram(title: str, latencies_ms: Sequence[float], sim_p99_ms: float | None,
                      ci_ms: float | None, model_p99_ms: float | None, sla_ms: float | None) -> go.Figure | None:
    """Simulated end-to-end latencies, with the simulated p99 (and its 95% CI), the model's p99 and the SLA."""
    values = np.asarray([v for v in latencies_ms if np.isfinite(v)], dtype=float)
    if values.size == 0:
        return None
    hi = float(np.quantile(values, 0.999))
    shown = [v for v in (sim_p99_ms, model_p99_ms) if v is not None]
    hi = max([hi, *shown]) * 1.05 or 1.0
    counts, edges = np.histogram(values, bins=HIST_BINS, range=(0.0, hi))
    centres = (edges[:-1] + edges[1:]) / 2
    bars = go.Bar(
        x=centres.round(3).tolist(), y=counts.tolist(), width=float(edges[1] - edges[0]), name="simulated requests",
        marker={"color": "#9fa8da", "line": {"color": OK_COLOR, "width": 0.5}},
        customdata=np.stack([edges[:-1], edges[1:]], axis=1).round(1).tolist(),
        hovertemplate="%{customdata[0]}–%{customdata[1]} ms: %{y:,} requests<extra></extra>",
    )
    marks = Marks()
    if sim_p99_ms is not None:
        if ci_ms:
            marks.vband(sim_p99_ms - ci_ms, sim_p99_ms + ci_ms, "rgba(40, 53, 147, 0.15)", name="ci")
        ci = f" ± {ci_ms:.1f}" if ci_ms else ""
        marks.vline(sim_p99_ms, PATH_COLORS[0], width=2.5, label=f"simulated p99 {sim_p99_ms:,.1f}{ci} ms",
                    at="above right", size=12, name="simulated p99")
    if model_p99_ms is not None:  # its label inside the plot, below the other: the two p99s are often close
        marks.vline(model_p99_ms, INK, dash="dash", width=2, label=f"model p99 {model_p99_ms:,.1f} ms",
                    at="top left", size=12, name="model p99")
    right = hi
    far = ""
    if sla_ms is not None and sla_ms <= hi * 3:
        marks.vline(sla_ms, SLA_COLOR, dash="dot", width=2, label=f"SLA {sla_ms:g} ms", at="bottom left",
                    size=12, name="sla")
        right = max(hi, sla_ms * 1.05)
    elif sla_ms is not None:
        far = f" (the {sla_ms:g} ms SLA is far to the right)"
    return _figure(
        [bars], title, 340, marks, _axis(f"end-to-end latency (ms){far}", range=[0, right]), _axis("requests"),
        margin={"l": 10, "r": 10, "t": 76, "b": 10},
        bargap=0.02,
    )
