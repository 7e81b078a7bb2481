// The graph Python passes down, kept as the canvas draws it: the first props give the whole graph, later ones the
// changes since the version this canvas holds (or, when it holds another, it asks for the whole graph again).
import { useEffect, useMemo, useRef, useState, type RefObject } from "react";
import type { BlockNodeType } from "./BlockNode";
import type { BoardState, Emit } from "./board";
import type { FlowEdgeType } from "./FlowEdge";
import { LARGE, type Prefs } from "./prefs";
import { hold, isAnotherDesign, modelOf, toEdges, toNodes, type Handlers, type Model } from "./sync";
import type { Props } from "./types";
import { FIT } from "./view";

const EMPTY: Model = { version: 0, nodes: new Map(), edges: new Map(), badges: {} };

/** The graph as received, the blocks' handlers (up to Python) and the blocks and connections React Flow draws. */
export function useGraph(props: Props, emit: Emit) {
  const ro = props.read_only;
  const model = useRef<Model>(EMPTY);
  if (model.current === EMPTY) {  // the first props: the whole graph (or changes this fresh canvas cannot apply)
    const first = modelOf(props);
    if (first !== "resync") { model.current = first; hold(first); }
  }
  const on = useMemo<Handlers>(() => ({
    onBadge: (id) => emit({ type: "findings", block: id }),
    onComments: (id) => emit({ type: "comments", block: id }),
    onLabel: (id, label) => emit({ type: "set_label", block: id, label }),
  }), [emit]);
  const [nodes, setNodes] = useState<BlockNodeType[]>(
    () => toNodes(Array.from(model.current.nodes.values()), model.current.badges, ro, [], on));
  const [edges, setEdges] = useState<FlowEdgeType[]>(() => toEdges(Array.from(model.current.edges.values()), [], model.current.badges));
  return { model, on, nodes, setNodes, edges, setEdges };
}

/** Redraw when the graph's version, the acknowledged event or the mode change (and only then): an event Python
 * refused is undone here too. The local selection survives a redraw. */
export function useRedraw(b: BoardState, props: Props, model: RefObject<Model>, on: Handlers,
                          suggestPrefs: (change: Partial<Prefs>) => void): void {
  const { ro, emit, flow, setNodes, setEdges, setMenu, pendingConnect, fitted } = b;
  const resyncAsked = useRef(-1);
  const key = `${props.version} ${props.ack} ${ro}`;
  const firstKey = useRef(model.current === EMPTY ? "" : key);
  useEffect(() => {
    if (key === firstKey.current) return;
    const next = modelOf(props, model.current === EMPTY ? undefined : model.current);
    if (next === "resync") {  // changes to a version this canvas does not hold: ask for the whole graph, once
      if (resyncAsked.current !== props.version) emit({ type: "resync", have: model.current.version });
      resyncAsked.current = props.version;
      return;
    }
    firstKey.current = key;
    const another = isAnotherDesign(flow.getNodes(), Array.from(next.nodes.values()));
    model.current = next;
    hold(next);
    const gNodes = Array.from(model.current.nodes.values());
    const gEdges = Array.from(model.current.edges.values());
    setNodes((old) => toNodes(gNodes, next.badges, ro, old, on));
    setEdges((old) => toEdges(gEdges, old, next.badges));
    const drawn = pendingConnect.current;
    const known = new Set(flow.getEdges().map((e) => e.id));
    const fresh = drawn && gEdges.find((e) => !known.has(e.id) && e.source === drawn.source && e.target === drawn.target);
    if (fresh && drawn) {  // the connection just drawn: its menu opens where it was dropped, to choose its flow there
      pendingConnect.current = null;
      setMenu({ edgeId: fresh.id, x: drawn.x, y: drawn.y, flow: fresh.flow, fallback: fresh.fallback });
    } else {
      setMenu((m) => {
        const edge = m && next.edges.get(m.edgeId);
        return m && edge ? { ...m, flow: edge.flow, fallback: edge.fallback } : null;
      });
    }
    if (another) {  // another design was opened: show all of it
      suggestPrefs({ palette: next.nodes.size < LARGE });
      fitted.current = true;
      window.setTimeout(() => void flow.fitView(FIT), 0);
    }
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
}
