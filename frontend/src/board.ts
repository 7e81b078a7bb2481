// What the canvas's parts share (Canvas.tsx makes it each render and hands it to each part): the mode, the way up
// to Python, React Flow, the canvas element, the drawn blocks, connections and menu, and the marks they pass on.
// Its setters and refs never change: the parts' hooks leave them out of their dependencies.
import type { Dispatch, RefObject, SetStateAction } from "react";
import type { ReactFlowInstance } from "@xyflow/react";
import type { BlockNodeType } from "./BlockNode";
import type { MenuState } from "./EdgeMenu";
import type { FlowEdgeType } from "./FlowEdge";

export type Emit = (event: Record<string, unknown>) => void;

/** A connection just drawn (its ends) and where it was dropped: its menu opens there once Python has it. */
export interface Drawn { source: string; target: string; x: number; y: number }

export interface BoardState {
  ro: boolean;
  emit: Emit;
  flow: ReactFlowInstance<BlockNodeType, FlowEdgeType>;
  wrapper: RefObject<HTMLDivElement | null>;
  setNodes: Dispatch<SetStateAction<BlockNodeType[]>>;
  setEdges: Dispatch<SetStateAction<FlowEdgeType[]>>;
  setMenu: Dispatch<SetStateAction<MenuState | null>>;
  /** The selection Python last heard of (JSON of [blocks, connections]): it is not sent again. */
  lastSelection: RefObject<string>;
  pendingConnect: RefObject<Drawn | null>;
  /** The view was fitted and the person has not panned or zoomed since: a resize fits it again. */
  fitted: RefObject<boolean>;
}
