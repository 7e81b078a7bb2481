// A connection drawn by its flow: request solid, stream dashed, batch dotted, feedback long-dash; arrowheads.
import React, { createContext, memo, useContext } from "react";
import { BaseEdge, EdgeLabelRenderer, getBezierPath, getSmoothStepPath, type Edge, type EdgeProps } from "@xyflow/react";
import type { Flow } from "./types";

export type FlowData = { flow: Flow; fallback: boolean; label: string; comments?: number };
export type FlowEdgeType = Edge<FlowData, "flow">;

export const FLOW_STYLE: Record<Flow, { color: string; dash?: string }> = {
  request: { color: "#1f4e99" },
  stream: { color: "#1b6e20", dash: "8 5" },
  batch: { color: "#6d4c41", dash: "2 5" },
  feedback: { color: "#7b1fa2", dash: "16 6" },
};

/** Orthogonal routing (right angles, rounded corners) when true, curves when false: one switch for every edge. */
export const OrthogonalContext = createContext(false);

/** What a click on a connection's comments badge does (the canvas emits a "comments" event). */
export const CommentsContext = createContext<(id: string) => void>(() => undefined);

function FlowEdgeView(props: EdgeProps<FlowEdgeType>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd, selected } = props;
  const orthogonal = useContext(OrthogonalContext);
  const onComments = useContext(CommentsContext);
  const comments = data?.comments ?? 0;
  const ends = { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition };
  const [path, labelX, labelY] = orthogonal ? getSmoothStepPath({ ...ends, borderRadius: 8, offset: 24 }) : getBezierPath(ends);
  const flow = data?.flow ?? "request";
  const style = FLOW_STYLE[flow];
  const text = [data?.label, data?.fallback ? "fallback" : ""].filter(Boolean).join(" · ");
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={20}
                className={`mlsd-edge flow-${flow}${orthogonal ? " orthogonal" : ""}${selected ? " selected" : ""}`}
                style={{ stroke: style.color, strokeDasharray: style.dash, strokeWidth: selected ? 3 : 2 }} />
      {text && (
        <EdgeLabelRenderer>
          <div className="mlsd-edge-label" style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
            {text}
          </div>
        </EdgeLabelRenderer>
      )}
      {comments > 0 && (
        <EdgeLabelRenderer>
          <button type="button" className="mlsd-comments edge nodrag nopan" data-testid={`comments-${id}`}
                  style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY - (text ? 20 : 0)}px)` }}
                  aria-label={`${comments} open comment thread${comments === 1 ? "" : "s"}. Show them`}
                  title={`${comments} open comment thread${comments === 1 ? "" : "s"}`}
                  onClick={(e) => { e.stopPropagation(); onComments(id); }}>
            💬 {comments}
          </button>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const FlowEdge = memo(FlowEdgeView);
