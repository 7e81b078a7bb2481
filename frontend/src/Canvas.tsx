// The whiteboard canvas: draws the graph Python passes down and reports each user action once, as a delta.
// Its parts, each a hook given the shared BoardState (src/board.ts): redraw.ts (the graph from the props),
// edits.ts (mouse edits), selection.ts, connectionMenu.ts, keyboard.ts (keys and actions), view.ts (fit and resize).
import React, { useRef, useState } from "react";
import {
  Background, ConnectionLineType, ControlButton, Controls, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow, useStore,
} from "@xyflow/react";
import { byId, shortcutText } from "./actions";
import { BlockNode, FarContext, type BlockNodeType } from "./BlockNode";
import type { BoardState, Drawn, Emit } from "./board";
import { useConnectionMenu } from "./connectionMenu";
import { useEdits } from "./edits";
import { CommentsContext, FlowEdge, OrthogonalContext, type FlowEdgeType } from "./FlowEdge";
import { EdgeMenu, type MenuState } from "./EdgeMenu";
import { focusCanvas, useKeys } from "./keyboard";
import { Palette } from "./Palette";
import { LARGE, usePrefs } from "./prefs";
import { useGraph, useRedraw } from "./redraw";
import { useSelection } from "./selection";
import type { Props, Tile } from "./types";
import { FAR, FIT, GRID, MIN_ZOOM, useFirstView, useRefit } from "./view";

const nodeTypes = { block: BlockNode };
const edgeTypes = { flow: FlowEdge };

function Board({ props, emit }: { props: Props; emit: Emit }) {
  const ro = props.read_only;
  const flow = useReactFlow<BlockNodeType, FlowEdgeType>();
  const wrapper = useRef<HTMLDivElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const far = useStore((s) => s.transform[2] < FAR);
  const { model, on, nodes, setNodes, edges, setEdges } = useGraph(props, emit);
  const tiles = useRef<Tile[]>([]);
  if (props.palette) tiles.current = props.palette;
  const [prefs, setPrefs, suggestPrefs] = usePrefs({ palette: model.current.nodes.size < LARGE, orthogonal: false });
  const [menu, setMenu] = useState<MenuState | null>(null);
  const { firstView, drawnWidth } = useFirstView(wrapper, nodes);
  const b: BoardState = {
    ro, emit, flow, wrapper, setNodes, setEdges, setMenu,
    lastSelection: useRef("[[],[]]"), pendingConnect: useRef<Drawn | null>(null), fitted: useRef(true),
  };
  useRedraw(b, props, model, on, suggestPrefs);
  const selection = useSelection(b, props.selected);
  const edits = useEdits(b);
  const connections = useConnectionMenu(b, menu);
  const ctx = useKeys(b, { ...selection, prefs, setPrefs, root, openMenuOn: connections.openMenuOn });
  const fullscreen = useRefit(b, root, drawnWidth);
  const fitted = b.fitted;

  const title = (id: string) => `${byId(id).label} (${shortcutText(byId(id))})`;
  return (
    <div className={"mlsd-root" + (ro ? " read-only" : "")} style={{ height: props.height }} ref={root}>
      {!ro && <Palette tiles={tiles.current} open={prefs.palette} onToggle={ctx.togglePalette} onAdd={edits.addAtCentre} />}
      <div className={"mlsd-canvas" + (far ? " far" : "")} ref={wrapper} data-testid="canvas" tabIndex={-1}
           aria-label="Design canvas: Tab reaches the blocks and connections"
           data-blocks={nodes.length} data-ack={props.ack} data-orthogonal={prefs.orthogonal}
           onDragOver={(e) => { if (!ro) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; } }} onDrop={edits.onDrop}>
        <FarContext.Provider value={far}><OrthogonalContext.Provider value={prefs.orthogonal}><CommentsContext.Provider value={on.onComments}>
          {firstView && (<ReactFlow<BlockNodeType, FlowEdgeType>
            nodes={nodes} edges={edges} nodeTypes={nodeTypes} edgeTypes={edgeTypes}
            onNodesChange={edits.onNodesChange} onEdgesChange={edits.onEdgesChange} onDelete={edits.onDelete}
            onConnect={edits.onConnect} onConnectEnd={edits.onConnectEnd}
            onSelectionChange={selection.onSelectionChange}
            onSelectionStart={selection.onSelectionStart} onSelectionEnd={selection.onSelectionEnd}
            onMoveStart={(e) => { if (e) fitted.current = false; }}  // a pan or zoom by the person (not fitView)
            onEdgeClick={connections.onEdgeClick} onPaneClick={() => { setMenu(null); focusCanvas(wrapper); }}
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
        {menu && <EdgeMenu menu={menu} onFlow={connections.setFlow} onFallback={connections.setFallback} onClose={() => setMenu(null)} />}
      </div>
    </div>
  );
}

export function Canvas({ props, emit }: { props: Props; emit: Emit }) {
  return <ReactFlowProvider><Board props={props} emit={emit} /></ReactFlowProvider>;
}
