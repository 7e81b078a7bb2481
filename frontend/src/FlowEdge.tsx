// A connection drawn by its flow: request solid, stream dashed, batch dotted, feedback long-dash; arrowheads.
import React, { memo } from "react";
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from "@xyflow/react";
import type { Flow } from "./types";

export type FlowData = { flow: Flow; fallback: boolean; label: string };
export type FlowEdgeType = Edge<FlowData, "flow">;

export const FLOW_STYLE: Record<Flow, { color: string; dash?: string }> = {
  request: { color: "#1f4e99" },
  stream: { color: "#1b6e20", dash: "8 5" },
  batch: { color: "#6d4c41", dash: "2 5" },
  feedback: { color: "#7b1fa2", dash: "16 6" },
};

function FlowEdgeView(props: EdgeProps<FlowEdgeType>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd, selected } = props;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const flow = data?.flow ?? "request";
  const style = FLOW_STYLE[flow];
  const text = [data?.label, data?.fallback ? "fallback" : ""].filter(Boolean).join(" · ");
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={18}
                className={`mlsd-edge flow-${flow}${selected ? " selected" : ""}`}
                style={{ stroke: style.color, strokeDasharray: style.dash, strokeWidth: selected ? 3 : 2 }} />
      {text && (
        <EdgeLabelRenderer>
          <div className="mlsd-edge-label" style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
            {text}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const FlowEdge = memo(FlowEdgeView);
