export type Flow = "request" | "stream" | "batch" | "feedback";
export const FLOWS: Flow[] = ["request", "stream", "batch", "feedback"];

export interface GraphNode {
  id: string; kind: string; label: string; caption: string; category: string; color: string; x: number; y: number;
}
export interface GraphEdge { id: string; source: string; target: string; flow: Flow; fallback: boolean; label: string }
export interface Badge { count: number; severity: "error" | "warning" | "info" }
export interface Tile { kind: string; label: string; category: string; category_label: string; color: string; purpose: string }
export interface Props {
  graph: { nodes: GraphNode[]; edges: GraphEdge[] };
  badges: Record<string, Badge>;
  palette: Tile[];
  read_only: boolean;
  ack: string;
  selected?: string | null;  // a block or connection selected in Python (inspector, finding)
  height: number;
}
export const NODE_W = 180;
export const NODE_H = 56;
