export type Flow = "request" | "stream" | "batch" | "feedback";
export const FLOWS: Flow[] = ["request", "stream", "batch", "feedback"];

export interface GraphNode {
  id: string; kind: string; label: string; caption: string; category: string; color: string; x: number; y: number;
}
export interface GraphEdge { id: string; source: string; target: string; flow: Flow; fallback: boolean; label: string }
/** Findings on a block (count, worst severity) and open review threads on a block or connection (comments). */
export interface Badge { count: number; severity: "error" | "warning" | "info"; comments?: number }
export interface Tile { kind: string; label: string; category: string; category_label: string; color: string; purpose: string }
export interface Changes {
  nodes: GraphNode[]; removed_nodes: string[]; edges: GraphEdge[]; removed_edges: string[];
  badges: Record<string, Badge>; removed_badges: string[];
}
/** The graph and badges come as a version with either the whole graph or the changes since `base`
 * (components/whiteboard/delta.py), or as the version alone when nothing changed. */
export interface Props {
  version: number;
  graph?: { nodes: GraphNode[]; edges: GraphEdge[] };
  badges?: Record<string, Badge>;
  base?: number;
  changes?: Changes;
  palette?: Tile[];  // with the whole graph only (it never changes)
  read_only: boolean;
  ack: string;
  selected?: string | null;  // a block or connection selected in Python (inspector, finding)
  height: number;
}
export const NODE_W = 180;
export const NODE_H = 56;
