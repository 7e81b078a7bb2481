// From the graph Python sends to React Flow's nodes and edges, reusing the objects of unchanged blocks and
// connections: React Flow compares node objects by reference and skips the ones that are the same.
import { MarkerType, Position, type NodeHandle } from "@xyflow/react";
import type { BlockNodeType } from "./BlockNode";
import { FLOW_STYLE, type FlowEdgeType } from "./FlowEdge";
import { NODE_H, NODE_W, type Badge, type Flow, type GraphEdge, type GraphNode, type Props } from "./types";

/** The graph as last received: records by id (in drawing order) and the version they are. */
export interface Model {
  version: number; nodes: Map<string, GraphNode>; edges: Map<string, GraphEdge>; badges: Record<string, Badge>;
}

let held = 0;
/** The version of the graph this canvas holds (sent up with every event, so Python sends changes only). */
export const heldVersion = () => held;

export function modelOf(props: Props, old?: Model): Model | "resync" {
  if (props.graph) {
    return { version: props.version, nodes: new Map(props.graph.nodes.map((n) => [n.id, n])),
             edges: new Map(props.graph.edges.map((e) => [e.id, e])), badges: props.badges ?? {} };
  }
  if (old && props.version === old.version) return old;
  if (!old || !props.changes || props.base !== old.version) return "resync";
  const c = props.changes;
  const nodes = new Map(old.nodes);
  for (const id of c.removed_nodes) nodes.delete(id);
  for (const n of c.nodes) nodes.set(n.id, n);
  const edges = new Map(old.edges);
  for (const id of c.removed_edges) edges.delete(id);
  for (const e of c.edges) edges.set(e.id, e);
  const badges = { ...old.badges, ...c.badges };
  for (const id of c.removed_badges) delete badges[id];
  return { version: props.version, nodes, edges, badges };
}

export function hold(model: Model): void {
  held = model.version;
}

export type Handlers = {
  onBadge: (id: string) => void; onComments: (id: string) => void; onLabel: (id: string, label: string) => void;
};

function sameBlock(old: BlockNodeType, n: GraphNode, badge: Badge | undefined, readOnly: boolean): boolean {
  const d = old.data;
  return old.position.x === n.x && old.position.y === n.y && d.label === n.label && d.kind === n.kind &&
    d.readOnly === readOnly && d.badge?.count === badge?.count && d.badge?.severity === badge?.severity &&
    d.badge?.comments === badge?.comments;
}

// A block's size and its two handles are known before it is drawn (style.css: 180 px wide, 56 px high unless a long
// label wraps; 20 px handles centred on the left and right borders), so React Flow need not measure 1,000 blocks and
// draw them all a second time before it can fit the view and draw the connections. A block that turns out to be
// another size is measured as usual (its size changes), and `sized` then moves its handles with it.
type Size = { width?: number; height?: number };
const DRAWN: Size = { width: NODE_W, height: NODE_H };
const HANDLE = 20;

export function handlesFor(size: Size | undefined): NodeHandle[] {
  const w = size?.width ?? NODE_W;
  const y = (size?.height ?? NODE_H) / 2 - HANDLE / 2;
  return [
    { type: "target", position: Position.Left, x: 1 - HANDLE / 2, y, width: HANDLE, height: HANDLE },
    { type: "source", position: Position.Right, x: w - 1 - HANDLE / 2, y, width: HANDLE, height: HANDLE },
  ];
}

/** After React Flow measured blocks of another size: their handles where the measurement put them. */
export function sized(nodes: BlockNodeType[], ids: Set<string>): BlockNodeType[] {
  return nodes.map((n) => (ids.has(n.id) ? { ...n, handles: handlesFor(n.measured) } : n));
}

export function toNodes(graph: GraphNode[], badges: Record<string, Badge>, readOnly: boolean,
                        old: BlockNodeType[], on: Handlers): BlockNodeType[] {
  const before = new Map(old.map((n) => [n.id, n]));
  return graph.map((n) => {
    const prev = before.get(n.id);
    const badge = badges[n.id];
    if (prev && sameBlock(prev, n, badge, readOnly)) return prev;
    return {
      id: n.id, type: "block", position: { x: n.x, y: n.y }, selected: prev?.selected ?? false,
      measured: prev?.measured ?? DRAWN, handles: prev?.handles ?? handlesFor(DRAWN),
      ariaLabel: `${n.label}${n.caption !== n.label ? ` (${n.caption})` : ""}`,
      data: { label: n.label, caption: n.caption, category: n.category, color: n.color, kind: n.kind,
              badge, ...on, readOnly },
    };
  });
}

export const marker = (flow: Flow) => ({ type: MarkerType.ArrowClosed, color: FLOW_STYLE[flow].color, width: 18, height: 18 });

export function toEdge(e: GraphEdge, selected: boolean, comments = 0): FlowEdgeType {
  return ({
    id: e.id, source: e.source, target: e.target, type: "flow", selected,
    ariaLabel: `${e.flow} connection from ${e.source} to ${e.target}`,
    markerEnd: marker(e.flow),
    data: { flow: e.flow, fallback: e.fallback, label: e.label, comments },
  });
}

export function toEdges(graph: GraphEdge[], old: FlowEdgeType[], badges: Record<string, Badge> = {}): FlowEdgeType[] {
  const before = new Map(old.map((e) => [e.id, e]));
  return graph.map((e) => {
    const prev = before.get(e.id);
    const d = prev?.data;
    const comments = badges[e.id]?.comments ?? 0;
    if (prev && d && prev.source === e.source && prev.target === e.target && d.flow === e.flow &&
        d.fallback === e.fallback && d.label === e.label && d.comments === comments) return prev;
    return toEdge(e, prev?.selected ?? false, comments);
  });
}

/** Whether a redraw shows another design (no block in common): the view is fitted to it again. One block on an
 * empty canvas is the block just dropped there: it stays where it was dropped, the view unmoved. */
export function isAnotherDesign(old: { id: string }[], graph: GraphNode[]): boolean {
  if (!graph.length) return false;
  if (!old.length) return graph.length > 1;
  const ids = new Set(old.map((n) => n.id));
  return !graph.some((n) => ids.has(n.id));
}
