// The whiteboard canvas: draws the graph Python passes down and reports each user action once, as a delta.
import React, { startTransition, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import {
  Background, ConnectionLineType, ControlButton, Controls, MiniMap, ReactFlow, ReactFlowProvider, applyEdgeChanges, applyNodeChanges,
  getNodesBounds, getViewportForBounds, useReactFlow, useStore, type Connection, type EdgeChange, type NodeChange,
  type OnSelectionChangeParams, type Viewport,
} from "@xyflow/react";
import { actionFor, byId, shortcutText, type ActionContext } from "./actions";
import { BlockNode, FarContext, type BlockNodeType } from "./BlockNode";
import { CommentsContext, FlowEdge, OrthogonalContext, type FlowEdgeType } from "./FlowEdge";
import { EdgeMenu, type MenuState } from "./EdgeMenu";
import { DRAG_TYPE, Palette } from "./Palette";
import { usePrefs } from "./prefs";
import { hold, isAnotherDesign, marker, modelOf, sized, toEdges, toNodes, type Handlers, type Model } from "./sync";
import { NODE_H, NODE_W, type Flow, type Props, type Tile } from "./types";

const nodeTypes = { block: BlockNode };
const edgeTypes = { flow: FlowEdge };
const GRID: [number, number] = [20, 20];
const FIT = { padding: 0.06, maxZoom: 1 };
const MIN_ZOOM = 0.05;
const ARROWS: Record<string, [number, number]> = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
const FAR = 0.2; // below this zoom a label is under 3 px high: blocks are drawn as coloured boxes (much less to paint)
const LARGE = 15; // blocks from which the palette starts folded (until the person opens it: then it stays open)
const EMPTY: Model = { version: 0, nodes: new Map(), edges: new Map(), badges: {} };
const SESSION = Math.random().toString(36).slice(2, 10);
let counter = 0;

export type Emit = (event: Record<string, unknown>) => void;
const round = (v: number) => Math.round(v * 10) / 10;
const snap = (v: number) => Math.round(v / GRID[0]) * GRID[0];
/** Keys typed into these are theirs, not the canvas's. */
const OWN_KEYS = "input, textarea, select, .mlsd-edge-menu";

function Board({ props, emit }: { props: Props; emit: Emit }) {
  const ro = props.read_only;
  const flow = useReactFlow<BlockNodeType, FlowEdgeType>();
  const wrapper = useRef<HTMLDivElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const [fullscreen, setFullscreen] = useState(false);
  const far = useStore((s) => s.transform[2] < FAR);
  const model = useRef<Model>(EMPTY);
  if (model.current === EMPTY) {  // the first props: the whole graph (or changes this fresh canvas cannot apply)
    const first = modelOf(props);
    if (first !== "resync") { model.current = first; hold(first); }
  }
  const tiles = useRef<Tile[]>([]);
  if (props.palette) tiles.current = props.palette;
  const graphNodes = () => Array.from(model.current.nodes.values());
  const graphEdges = () => Array.from(model.current.edges.values());
  const [prefs, setPrefs, suggestPrefs] = usePrefs({ palette: model.current.nodes.size < LARGE, orthogonal: false });
  const on = useMemo<Handlers>(() => ({
    onBadge: (id) => emit({ type: "findings", block: id }),
    onComments: (id) => emit({ type: "comments", block: id }),
    onLabel: (id, label) => emit({ type: "set_label", block: id, label }),
  }), [emit]);
  const [nodes, setNodes] = useState<BlockNodeType[]>(() => toNodes(graphNodes(), model.current.badges, ro, [], on));
  const [edges, setEdges] = useState<FlowEdgeType[]>(() => toEdges(graphEdges(), [], model.current.badges));
  const [menu, setMenu] = useState<MenuState | null>(null);
  // The first view is fitted before React Flow draws anything (the blocks' sizes are known: src/sync.ts), so it
  // draws the design once, where it will stay, instead of drawing it, measuring it, fitting and drawing it again.
  const [firstView, setFirstView] = useState<Viewport | null>(null);
  const drawnWidth = useRef(0);
  useLayoutEffect(() => {
    const w = wrapper.current?.clientWidth ?? 0;
    const h = wrapper.current?.clientHeight ?? 0;
    drawnWidth.current = w;
    const bounds = nodes.length ? getNodesBounds(nodes) : null;
    setFirstView(bounds && w && h ? getViewportForBounds(bounds, w, h, MIN_ZOOM, FIT.maxZoom, FIT.padding) : { x: 0, y: 0, zoom: 1 });
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  const copied = useRef<string[]>([]);
  const lastSelection = useRef("[[],[]]");
  const selectTimer = useRef<number | undefined>(undefined);
  const boxSelecting = useRef(false);
  const pendingConnect = useRef<{ source: string; target: string; x: number; y: number } | null>(null);
  const resyncAsked = useRef(-1);

  // Redraw when the graph's version, the acknowledged event or the mode change (and only then): an event Python
  // refused is undone here too. The local selection survives a redraw.
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
    const gNodes = graphNodes();
    const gEdges = graphEdges();
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

  // A selection made in Python (the inspector, a finding): select it here too and bring it into view.
  const lastPicked = useRef(props.selected ?? null);
  useEffect(() => {
    const picked = props.selected ?? null;
    if (picked === lastPicked.current) return;
    lastPicked.current = picked;
    if (picked) reveal(picked);
  }, [props.selected]); // eslint-disable-line react-hooks/exhaustive-deps

  const reveal = (id: string, again = true) => {
    const block = flow.getInternalNode(id);
    const edge = block ? undefined : flow.getEdge(id);
    if (!block && !edge) {  // it came with the same props (a block just added): once it is drawn
      if (again) window.setTimeout(() => reveal(id, false), 80);
      return;
    }
    lastSelection.current = JSON.stringify(block ? [[id], []] : [[], [id]]);  // Python knows: do not echo it
    setNodes((ns) => ns.map((n) => (n.selected !== (n.id === id) ? { ...n, selected: n.id === id } : n)));
    setEdges((es) => es.map((x) => (x.selected !== (x.id === id) ? { ...x, selected: x.id === id } : x)));
    const ends = block ? [block] : [flow.getInternalNode(edge!.source), flow.getInternalNode(edge!.target)];
    const points = ends.filter((n) => n !== undefined).map((n) => ({
      x: n!.internals.positionAbsolute.x + (n!.measured.width ?? NODE_W) / 2,
      y: n!.internals.positionAbsolute.y + (n!.measured.height ?? NODE_H) / 2,
    }));
    if (!points.length || !wrapper.current) return;
    const x = points.reduce((s, p) => s + p.x, 0) / points.length;
    const y = points.reduce((s, p) => s + p.y, 0) / points.length;
    const view = flow.getViewport();
    const r = wrapper.current.getBoundingClientRect();
    const sx = x * view.zoom + view.x;
    const sy = y * view.zoom + view.y;
    const margin = 10;  // out of sight (its middle outside the canvas): pan to it, at the same zoom
    if (sx < margin || sy < margin || sx > r.width - margin || sy > r.height - margin) {
      void flow.setCenter(x, y, { zoom: view.zoom, duration: 300 });
    }
  };

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

  const onConnectEnd = useCallback((e: MouseEvent | TouchEvent) => {  // where the connection was dropped
    const at = "changedTouches" in e ? e.changedTouches[0] : e;
    const r = wrapper.current?.getBoundingClientRect();
    if (at && r && pendingConnect.current) Object.assign(pendingConnect.current, { x: at.clientX - r.left + 8, y: at.clientY - r.top + 8 });
  }, []);

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

  const selectedIds = () => flow.getNodes().filter((n) => n.selected).map((n) => n.id);

  const ctx: ActionContext = {
    readOnly: ro,
    selectedBlocks: selectedIds,
    allBlocks: () => flow.getNodes().map((n) => n.id),
    emit,
    copy: (ids) => { copied.current = ids; },
    copied: () => copied.current,
    selectAll: () => {
      setNodes((ns) => ns.map((n) => (n.selected ? n : { ...n, selected: true })));
      setEdges((es) => es.map((x) => (x.selected ? x : { ...x, selected: true })));
    },
    clearSelection: () => {
      setMenu(null);
      setNodes((ns) => ns.map((n) => (n.selected ? { ...n, selected: false } : n)));
      setEdges((es) => es.map((x) => (x.selected ? { ...x, selected: false } : x)));
    },
    fitView: () => { fitted.current = true; void flow.fitView({ ...FIT, duration: 200 }); },
    toggleRouting: () => setPrefs({ orthogonal: !prefs.orthogonal }),
    togglePalette: () => setPrefs({ palette: !prefs.palette }),
    toggleFullscreen: () => {
      if (document.fullscreenElement) void document.exitFullscreen();
      else void root.current?.requestFullscreen?.().catch(() => undefined);  // refused: the page stays as it is
    },
  };
  const ctxRef = useRef(ctx);
  ctxRef.current = ctx;

  const openMenuOn = (edgeEl: HTMLElement) => {  // the keyboard way to an edge's menu
    const edge = flow.getEdge(edgeEl.dataset.id ?? "");
    const r = wrapper.current!.getBoundingClientRect();
    const b = edgeEl.getBoundingClientRect();
    if (edge) setMenu({ edgeId: edge.id, x: b.left - r.left + b.width / 2, y: b.top - r.top + b.height / 2,
                        flow: edge.data?.flow ?? "request", fallback: edge.data?.fallback ?? false });
  };

  // Keys reach the canvas wherever the focus is inside it (a block, a connection, or the empty canvas after a
  // click on it), so Ctrl+Z works after clicking an empty spot. React Flow handles Delete/Backspace, Enter on a
  // block and the arrows on a focused block or selection; the registered actions do the rest.
  const onKey = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (target.closest?.(OWN_KEYS)) return;
    const edgeEl = target.closest?.<HTMLElement>(".react-flow__edge");
    if (e.key === "Enter" && edgeEl && !ro) {
      e.preventDefault();  // else the Enter also presses the menu's first button once it has focus
      openMenuOn(edgeEl);
      return;
    }
    const arrow = ARROWS[e.key];
    if (arrow && !ro && !e.ctrlKey && !e.metaKey && !target.closest?.(".react-flow__node, .react-flow__nodesselection")) {
      nudge(arrow, e.shiftKey ? 4 : 1);  // React Flow moves a focused block itself; this is the empty-canvas case
      e.preventDefault();
      return;
    }
    const action = actionFor(e);
    if (!action || (action.edits && ro)) return;
    if (action.id === "copy" && window.getSelection()?.toString()) return;  // copying text stays the browser's
    e.preventDefault();
    action.run(ctxRef.current);
  };
  const onKeyRef = useRef(onKey);
  onKeyRef.current = onKey;
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKeyRef.current(e);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);

  // The canvas changes size (the side panel closed, the palette folded, full screen): while the person has not
  // panned or zoomed since the view was last fitted, fit it again to the new size.
  const fitted = useRef(true);
  useEffect(() => {
    const changed = () => setFullscreen(document.fullscreenElement === root.current);
    document.addEventListener("fullscreenchange", changed);
    let width = drawnWidth.current;
    let timer: number | undefined;
    const resized = new ResizeObserver(() => {
      const now = wrapper.current?.clientWidth ?? 0;
      if (Math.abs(now - width) < 8) return;
      width = now;
      window.clearTimeout(timer);
      timer = window.setTimeout(() => { if (fitted.current) void flow.fitView(FIT); }, 60);
    });
    if (wrapper.current) resized.observe(wrapper.current);
    return () => { document.removeEventListener("fullscreenchange", changed); resized.disconnect(); window.clearTimeout(timer); };
  }, [flow]);

  const nudge = ([dx, dy]: [number, number], factor: number) => {
    const moved: Record<string, [number, number]> = {};
    for (const n of flow.getNodes()) {
      if (n.selected) moved[n.id] = [snap(n.position.x + dx * GRID[0] * factor), snap(n.position.y + dy * GRID[1] * factor)];
    }
    if (!Object.keys(moved).length) return;
    emit({ type: "move", positions: moved });
    setNodes((ns) => ns.map((n) => (moved[n.id] ? { ...n, position: { x: moved[n.id][0], y: moved[n.id][1] } } : n)));
  };

  // A click on the empty canvas gives it the keyboard (React Flow's pane takes no focus of its own).
  const focusCanvas = () => {
    const active = document.activeElement;
    if (!active || !wrapper.current?.contains(active) || active === document.body) wrapper.current?.focus({ preventScroll: true });
  };

  const onEdgeClick = useCallback((e: React.MouseEvent, edge: FlowEdgeType) => {
    if (ro) return;
    const r = wrapper.current!.getBoundingClientRect();
    setMenu({ edgeId: edge.id, x: e.clientX - r.left + 8, y: e.clientY - r.top + 8,
              flow: edge.data?.flow ?? "request", fallback: edge.data?.fallback ?? false });
  }, [ro]);

  const setFlow = (f: Flow) => {
    if (!menu || menu.flow === f) return;
    setEdges((es) => es.map((x) => (x.id === menu.edgeId ? { ...x, data: { ...x.data!, flow: f }, markerEnd: marker(f) } : x)));
    emit({ type: "set_flow", connection: menu.edgeId, flow: f });
    setMenu({ ...menu, flow: f });
  };
  const setFallback = (value: boolean) => {
    if (!menu || menu.fallback === value) return;
    emit({ type: "set_fallback", connection: menu.edgeId, fallback: value });
    setMenu({ ...menu, fallback: value });
  };

  const title = (id: string) => `${byId(id).label} (${shortcutText(byId(id))})`;
  return (
    <div className={"mlsd-root" + (ro ? " read-only" : "")} style={{ height: props.height }} ref={root}>
      {!ro && <Palette tiles={tiles.current} open={prefs.palette} onToggle={ctx.togglePalette} onAdd={addAtCentre} />}
      <div className={"mlsd-canvas" + (far ? " far" : "")} ref={wrapper} data-testid="canvas" tabIndex={-1}
           aria-label="Design canvas: Tab reaches the blocks and connections"
           data-blocks={nodes.length} data-ack={props.ack} data-orthogonal={prefs.orthogonal}
           onDragOver={(e) => { if (!ro) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; } }} onDrop={onDrop}>
        <FarContext.Provider value={far}><OrthogonalContext.Provider value={prefs.orthogonal}><CommentsContext.Provider value={on.onComments}>
          {firstView && (<ReactFlow<BlockNodeType, FlowEdgeType>
            nodes={nodes} edges={edges} nodeTypes={nodeTypes} edgeTypes={edgeTypes}
            onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} onDelete={onDelete} onConnect={onConnect} onConnectEnd={onConnectEnd}
            onSelectionChange={onSelectionChange}
            onSelectionStart={() => { boxSelecting.current = true; }}
            onSelectionEnd={() => {
              boxSelecting.current = false;
              focusCanvas();
              reportSelection(selectedIds().sort(), flow.getEdges().filter((x) => x.selected).map((x) => x.id).sort());
            }}
            onMoveStart={(e) => { if (e) fitted.current = false; }}  // a pan or zoom by the person (not fitView)
            onEdgeClick={onEdgeClick} onPaneClick={() => { setMenu(null); focusCanvas(); }}
            nodesDraggable={!ro} nodesConnectable={!ro} elementsSelectable edgesFocusable nodesFocusable
            deleteKeyCode={ro ? null : ["Delete", "Backspace"]} multiSelectionKeyCode={["Shift", "Meta", "Control"]}
            selectionKeyCode="Shift" selectionOnDrag={!ro} panOnDrag={ro ? true : [1, 2]} panOnScroll snapToGrid snapGrid={GRID}
            defaultViewport={firstView} minZoom={MIN_ZOOM} maxZoom={2}
            onlyRenderVisibleElements={nodes.length > 200} proOptions={{ hideAttribution: true }}
            connectionLineType={prefs.orthogonal ? ConnectionLineType.SmoothStep : ConnectionLineType.Bezier}
            isValidConnection={(c) => c.source !== c.target}>
            <Background gap={GRID[0]} color="#d0d4da" />
            <Controls showInteractive={false} fitViewOptions={FIT} onFitView={() => { fitted.current = true; }}
                      onZoomIn={() => { fitted.current = false; }} onZoomOut={() => { fitted.current = false; }}>
              {!ro && (
                <ControlButton onClick={() => byId("auto_layout").run(ctx)} title={title("auto_layout")} aria-label="Auto-layout">
                  <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 3h7v5H3zm11 0h7v5h-7zM3 16h7v5H3zm11 0h7v5h-7zM6 8h1v8H6zm11 0h1v8h-1z" /></svg>
                </ControlButton>
              )}
              <ControlButton onClick={ctx.toggleRouting} title={title("routing")} aria-pressed={prefs.orthogonal}
                             aria-label="Orthogonal connections" className={prefs.orthogonal ? "mlsd-on" : undefined}>
                <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 4h8v9h10v2H9V6H3z" /></svg>
              </ControlButton>
              <ControlButton onClick={ctx.toggleFullscreen} title={title("fullscreen")} aria-pressed={fullscreen}
                             aria-label="Full screen" className={fullscreen ? "mlsd-on" : undefined}>
                <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 3h7v2H5v5H3zm11 0h7v7h-2V5h-5zM3 14h2v5h5v2H3zm16 0h2v7h-7v-2h5z" /></svg>
              </ControlButton>
            </Controls>
            <MiniMap pannable zoomable ariaLabel="Mini map of the design" style={{ width: 150, height: 96 }}
                     nodeColor={(n) => (n.data as { color: string }).color} nodeStrokeColor="#5f6368" />
          </ReactFlow>)}
        </CommentsContext.Provider></OrthogonalContext.Provider></FarContext.Provider>
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
