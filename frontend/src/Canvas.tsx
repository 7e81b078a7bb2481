// The whiteboard canvas: draws the graph Python passes down and reports each user action once, as a delta.
import React, { startTransition, useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  Background, ControlButton, Controls, MarkerType, MiniMap, ReactFlow, ReactFlowProvider, applyEdgeChanges, applyNodeChanges,
  useReactFlow, type Connection, type EdgeChange, type NodeChange, type OnSelectionChangeParams,
} from "@xyflow/react";
import { BlockNode, type BlockNodeType } from "./BlockNode";
import { FlowEdge, FLOW_STYLE, type FlowEdgeType } from "./FlowEdge";
import { EdgeMenu, type MenuState } from "./EdgeMenu";
import { DRAG_TYPE, Palette } from "./Palette";
import { NODE_H, NODE_W, type Badge, type Flow, type GraphEdge, type GraphNode, type Props } from "./types";

const nodeTypes = { block: BlockNode };
const edgeTypes = { flow: FlowEdge };
const GRID: [number, number] = [20, 20];
const SESSION = Math.random().toString(36).slice(2, 10);
let counter = 0;

export type Emit = (event: Record<string, unknown>) => void;
const round = (v: number) => Math.round(v * 10) / 10;
const snap = (v: number) => Math.round(v / GRID[0]) * GRID[0];

function sameBlock(old: BlockNodeType, n: GraphNode, badge: Badge | undefined, readOnly: boolean): boolean {
  const d = old.data;
  return old.position.x === n.x && old.position.y === n.y && d.label === n.label && d.kind === n.kind &&
    d.readOnly === readOnly && d.badge?.count === badge?.count && d.badge?.severity === badge?.severity;
}

// New node objects only for blocks that changed: React Flow skips the rest (it compares node objects by reference).
type Handlers = { onBadge: (id: string) => void; onLabel: (id: string, label: string) => void };

function toNodes(props: Props, old: BlockNodeType[], on: Handlers): BlockNodeType[] {
  const before = new Map(old.map((n) => [n.id, n]));
  return props.graph.nodes.map((n) => {
    const prev = before.get(n.id);
    const badge = props.badges[n.id];
    if (prev && sameBlock(prev, n, badge, props.read_only)) return prev;
    return {
      id: n.id, type: "block", position: { x: n.x, y: n.y }, selected: prev?.selected ?? false,
      ariaLabel: `${n.label}${n.caption !== n.label ? ` (${n.caption})` : ""}`,
      data: { label: n.label, caption: n.caption, category: n.category, color: n.color, kind: n.kind,
              badge, ...on, readOnly: props.read_only },
    };
  });
}

function toEdges(props: Props, old: FlowEdgeType[]): FlowEdgeType[] {
  const before = new Map(old.map((e) => [e.id, e]));
  return props.graph.edges.map((e) => {
    const prev = before.get(e.id);
    const d = prev?.data;
    if (prev && d && prev.source === e.source && prev.target === e.target && d.flow === e.flow &&
        d.fallback === e.fallback && d.label === e.label) return prev;
    return toEdge(e, prev?.selected ?? false);
  });
}

function toEdge(e: GraphEdge, selected: boolean): FlowEdgeType {
  return ({
    id: e.id, source: e.source, target: e.target, type: "flow", selected,
    ariaLabel: `${e.flow} connection from ${e.source} to ${e.target}`,
    markerEnd: { type: MarkerType.ArrowClosed, color: FLOW_STYLE[e.flow].color, width: 18, height: 18 },
    data: { flow: e.flow, fallback: e.fallback, label: e.label },
  });
}

function Board({ props, emit }: { props: Props; emit: Emit }) {
  const ro = props.read_only;
  const flow = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const on = useMemo<Handlers>(() => ({
    onBadge: (id) => emit({ type: "findings", block: id }),
    onLabel: (id, label) => emit({ type: "set_label", block: id, label }),
  }), [emit]);
  const [nodes, setNodes] = useState<BlockNodeType[]>(() => toNodes(props, [], on));
  const [edges, setEdges] = useState<FlowEdgeType[]>(() => toEdges(props, []));
  const [menu, setMenu] = useState<MenuState | null>(null);
  const copied = useRef<string[]>([]);
  const lastSelection = useRef("[[],[]]");
  const selectTimer = useRef<number | undefined>(undefined);
  const boxSelecting = useRef(false);

  // Redraw from the props whenever they change (and only then); the local selection survives a redraw.
  const key = useMemo(() => JSON.stringify([props.graph, props.badges, props.ack, ro]), [props, ro]);
  const firstKey = useRef(key);
  useEffect(() => {
    if (key === firstKey.current) return;
    firstKey.current = key;
    setNodes((old) => toNodes(props, old, on));
    setEdges((old) => toEdges(props, old));
    setMenu((m) => {
      const edge = m && props.graph.edges.find((e) => e.id === m.edgeId);
      return m && edge ? { ...m, flow: edge.flow, fallback: edge.fallback } : null;
    });
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps

  const onNodesChange = useCallback((changes: NodeChange<BlockNodeType>[]) => {
    const moved: Record<string, [number, number]> = {};
    for (const c of changes) {
      if (c.type === "position" && c.dragging === false && c.position) moved[c.id] = [round(c.position.x), round(c.position.y)];
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
    if (!ro && c.source && c.target && c.source !== c.target) emit({ type: "connect", source: c.source, target: c.target, flow: "request" });
  }, [emit, ro]);

  const reportSelection = useCallback((ns: string[], es: string[]) => {
    const sig = JSON.stringify([ns, es]);
    if (ro || sig === lastSelection.current) return;  // read-only: a selection is only a highlight, no rerun
    lastSelection.current = sig;
    emit({ type: "select", blocks: ns, connections: es });
  }, [emit, ro]);

  const onSelectionChange = useCallback(({ nodes: ns, edges: es }: OnSelectionChangeParams) => {
    window.clearTimeout(selectTimer.current);
    if (boxSelecting.current) return;
    const ids = [ns.map((n) => n.id).sort(), es.map((e) => e.id).sort()];
    selectTimer.current = window.setTimeout(() => reportSelection(ids[0], ids[1]), 120);
  }, [reportSelection]);

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

  const selectedIds = () => nodes.filter((n) => n.selected).map((n) => n.id);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (target.closest("input, textarea, .mlsd-edge-menu")) return;
    const mod = e.ctrlKey || e.metaKey;
    const k = e.key.toLowerCase();
    const edgeEl = target.closest<HTMLElement>(".react-flow__edge");
    if (e.key === "Enter" && edgeEl && !ro) {  // the keyboard way to an edge's menu
      e.preventDefault();  // else the Enter also presses the menu's first button once it has focus
      const edge = edges.find((x) => x.id === edgeEl.dataset.id);
      const r = wrapper.current!.getBoundingClientRect();
      const b = edgeEl.getBoundingClientRect();
      if (edge) setMenu({ edgeId: edge.id, x: b.left - r.left + b.width / 2, y: b.top - r.top + b.height / 2,
                          flow: edge.data?.flow ?? "request", fallback: edge.data?.fallback ?? false });
      return;
    }
    if (e.key === "Escape") {
      setMenu(null);
      setNodes((ns) => ns.map((n) => (n.selected ? { ...n, selected: false } : n)));
      setEdges((es) => es.map((x) => (x.selected ? { ...x, selected: false } : x)));
      return;
    }
    if (ro || !mod) return;
    if (k === "z") { e.preventDefault(); emit({ type: e.shiftKey ? "redo" : "undo" }); }
    else if (k === "y") { e.preventDefault(); emit({ type: "redo" }); }
    else if (k === "c") { copied.current = selectedIds(); }
    else if (k === "v" && copied.current.length) { e.preventDefault(); emit({ type: "duplicate", blocks: copied.current, dx: 40, dy: 40 }); }
    else if (k === "d") { const ids = selectedIds(); e.preventDefault(); if (ids.length) emit({ type: "duplicate", blocks: ids, dx: 40, dy: 40 }); }
  };

  const onEdgeClick = useCallback((e: React.MouseEvent, edge: FlowEdgeType) => {
    if (ro) return;
    const r = wrapper.current!.getBoundingClientRect();
    setMenu({ edgeId: edge.id, x: e.clientX - r.left + 8, y: e.clientY - r.top + 8,
              flow: edge.data?.flow ?? "request", fallback: edge.data?.fallback ?? false });
  }, [ro]);

  const setFlow = (f: Flow) => {
    if (!menu || menu.flow === f) return;
    setEdges((es) => es.map((x) => (x.id === menu.edgeId ? { ...x, data: { ...x.data!, flow: f },
      markerEnd: { type: MarkerType.ArrowClosed, color: FLOW_STYLE[f].color, width: 18, height: 18 } } : x)));
    emit({ type: "set_flow", connection: menu.edgeId, flow: f });
    setMenu({ ...menu, flow: f });
  };
  const setFallback = (on: boolean) => {
    if (!menu || menu.fallback === on) return;
    emit({ type: "set_fallback", connection: menu.edgeId, fallback: on });
    setMenu({ ...menu, fallback: on });
  };

  return (
    <div className={"mlsd-root" + (ro ? " read-only" : "")} style={{ height: props.height }}>
      {!ro && <Palette tiles={props.palette} onAdd={addAtCentre} />}
      <div className="mlsd-canvas" ref={wrapper} onKeyDown={onKeyDown} data-testid="canvas"
           data-blocks={nodes.length} data-ack={props.ack}
           onDragOver={(e) => { if (!ro) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; } }} onDrop={onDrop}>
        <ReactFlow<BlockNodeType, FlowEdgeType>
          nodes={nodes} edges={edges} nodeTypes={nodeTypes} edgeTypes={edgeTypes}
          onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} onDelete={onDelete} onConnect={onConnect}
          onSelectionChange={onSelectionChange}
          onSelectionStart={() => { boxSelecting.current = true; }}
          onSelectionEnd={() => { boxSelecting.current = false; const ns = flow.getNodes().filter((n) => n.selected).map((n) => n.id).sort();
            const es = flow.getEdges().filter((x) => x.selected).map((x) => x.id).sort(); reportSelection(ns, es); }}
          onEdgeClick={onEdgeClick} onPaneClick={() => setMenu(null)}
          nodesDraggable={!ro} nodesConnectable={!ro} elementsSelectable edgesFocusable nodesFocusable
          deleteKeyCode={ro ? null : ["Delete", "Backspace"]} multiSelectionKeyCode={["Shift", "Meta", "Control"]}
          selectionKeyCode="Shift" selectionOnDrag={!ro} panOnDrag={ro ? true : [1, 2]} panOnScroll snapToGrid snapGrid={GRID} fitView fitViewOptions={{ padding: 0.15, maxZoom: 1 }} minZoom={0.05} maxZoom={2}
          onlyRenderVisibleElements={nodes.length > 400} proOptions={{ hideAttribution: true }}
          isValidConnection={(c) => c.source !== c.target}>
          <Background gap={GRID[0]} color="#d0d4da" />
          <Controls showInteractive={!ro} fitViewOptions={{ padding: 0.1 }}>
            {!ro && (
              <ControlButton onClick={() => emit({ type: "auto_layout", blocks: selectedIds() })}
                             title="Auto-layout (the selection, or every block)" aria-label="Auto-layout">
                <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 3h7v5H3zm11 0h7v5h-7zM3 16h7v5H3zm11 0h7v5h-7zM6 8h1v8H6zm11 0h1v8h-1z" /></svg>
              </ControlButton>
            )}
          </Controls>
          <MiniMap pannable zoomable ariaLabel="Mini map of the design" nodeColor={(n) => (n.data as { color: string }).color}
                   nodeStrokeColor="#5f6368" />
        </ReactFlow>
        {menu && <EdgeMenu menu={menu} onFlow={setFlow} onFallback={setFallback} onClose={() => setMenu(null)} />}
      </div>
    </div>
  );
}

export function Canvas({ props, emit }: { props: Props; emit: Emit }) {
  return <ReactFlowProvider><Board props={props} emit={emit} /></ReactFlowProvider>;
}

export function nextEventId(): string {
  counter += 1;
  return `${SESSION}-${counter}`;
}
