// What the person does to the design with the mouse (move, delete, connect, drop a block from the palette), sent up
// to Python as events; React Flow's own changes (measuring, selecting, dragging) are applied here.
import React, { startTransition, useCallback } from "react";
import {
  applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type FinalConnectionState, type NodeChange,
} from "@xyflow/react";
import type { BlockNodeType } from "./BlockNode";
import type { BoardState } from "./board";
import type { FlowEdgeType } from "./FlowEdge";
import { DRAG_TYPE } from "./Palette";
import { sized } from "./sync";
import { NODE_H, NODE_W } from "./types";
import { snap } from "./view";

const round = (v: number) => Math.round(v * 10) / 10;

export function useEdits(b: BoardState) {
  const { ro, emit, flow, wrapper, setNodes, setEdges, lastSelection, pendingConnect } = b;

  const onNodesChange = useCallback((changes: NodeChange<BlockNodeType>[]) => {
    const moved: Record<string, [number, number]> = {};
    const resized = new Set<string>();
    for (const c of changes) {
      if (c.type === "position" && c.dragging === false && c.position) moved[c.id] = [round(c.position.x), round(c.position.y)];
      if (c.type === "dimensions") resized.add(c.id);
    }
    if (resized.size) {
      setNodes((ns) => sized(applyNodeChanges(changes, ns), resized));
      return;
    }
    if (ro || !Object.keys(moved).length) {
      setNodes((ns) => applyNodeChanges(changes, ns));
      return;
    }
    emit({ type: "move", positions: moved });
    // The iframe shares the page's thread: redraw as a transition, so Streamlit forwards the event first.
    startTransition(() => setNodes((ns) => applyNodeChanges(changes, ns)));
  }, [emit, ro]);

  const onEdgesChange = useCallback((changes: EdgeChange<FlowEdgeType>[]) => {
    setEdges((es) => applyEdgeChanges(changes, es));
  }, []);

  const onDelete = useCallback(({ nodes: ns, edges: es }: { nodes: BlockNodeType[]; edges: FlowEdgeType[] }) => {
    if (ro || (!ns.length && !es.length)) return;
    lastSelection.current = "[[],[]]";
    emit({ type: "remove", blocks: ns.map((n) => n.id), connections: es.map((e) => e.id) });
  }, [emit, ro]);

  const onConnect = useCallback((c: Connection) => {
    if (ro || !c.source || !c.target || c.source === c.target) return;
    pendingConnect.current = { source: c.source, target: c.target, x: 0, y: 0 };  // onConnectEnd: where
    emit({ type: "connect", source: c.source, target: c.target, flow: "request" });
  }, [emit, ro]);

  const onConnectEnd = useCallback((e: MouseEvent | TouchEvent, state: FinalConnectionState) => {  // where dropped
    const at = "changedTouches" in e ? e.changedTouches[0] : e;
    if (at && !state.isValid && state.fromNode) {  // dropped on a block's body, not on its handle: connect to it
      const other = document.elementFromPoint(at.clientX, at.clientY)?.closest(".react-flow__node")?.getAttribute("data-id");
      const reversed = state.fromHandle?.type === "target";  // drawn from a block's input: the other block calls it
      if (other) onConnect({ source: reversed ? other : state.fromNode.id, target: reversed ? state.fromNode.id : other,
                             sourceHandle: null, targetHandle: null });
    }
    const r = wrapper.current?.getBoundingClientRect();
    if (at && r && pendingConnect.current) Object.assign(pendingConnect.current, { x: at.clientX - r.left + 8, y: at.clientY - r.top + 8 });
  }, [onConnect]);

  const addAt = useCallback((kind: string, clientX: number, clientY: number) => {
    const p = flow.screenToFlowPosition({ x: clientX, y: clientY });
    emit({ type: "add", kind, x: snap(p.x - NODE_W / 2), y: snap(p.y - NODE_H / 2) });
  }, [emit, flow]);

  const onDrop = useCallback((e: React.DragEvent) => {
    const kind = e.dataTransfer.getData(DRAG_TYPE);
    if (ro || !kind) return;
    e.preventDefault();
    addAt(kind, e.clientX, e.clientY);
  }, [addAt, ro]);

  const addAtCentre = useCallback((kind: string) => {
    const r = wrapper.current!.getBoundingClientRect();
    addAt(kind, r.left + r.width / 2, r.top + r.height / 2);
  }, [addAt]);

  return { onNodesChange, onEdgesChange, onDelete, onConnect, onConnectEnd, onDrop, addAtCentre };
}
