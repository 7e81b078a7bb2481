// Opening a connection's menu (src/EdgeMenu.tsx) with a click or with Enter on a focused connection, and sending
// the flow or fallback chosen in it up to Python. (A connection just drawn opens it too: src/redraw.ts.)
import React, { useCallback } from "react";
import type { BoardState } from "./board";
import type { MenuState } from "./EdgeMenu";
import type { FlowEdgeType } from "./FlowEdge";
import { marker } from "./sync";
import type { Flow } from "./types";

export function useConnectionMenu(b: BoardState, menu: MenuState | null) {
  const { ro, emit, flow, wrapper, setEdges, setMenu } = b;

  const onEdgeClick = useCallback((e: React.MouseEvent, edge: FlowEdgeType) => {
    if (ro) return;
    const r = wrapper.current!.getBoundingClientRect();
    setMenu({ edgeId: edge.id, x: e.clientX - r.left + 8, y: e.clientY - r.top + 8,
              flow: edge.data?.flow ?? "request", fallback: edge.data?.fallback ?? false });
  }, [ro]);

  const openMenuOn = (edgeEl: HTMLElement) => {  // the keyboard way to an edge's menu
    const edge = flow.getEdge(edgeEl.dataset.id ?? "");
    const r = wrapper.current!.getBoundingClientRect();
    const box = edgeEl.getBoundingClientRect();
    if (edge) setMenu({ edgeId: edge.id, x: box.left - r.left + box.width / 2, y: box.top - r.top + box.height / 2,
                        flow: edge.data?.flow ?? "request", fallback: edge.data?.fallback ?? false });
  };

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

  return { onEdgeClick, openMenuOn, setFlow, setFallback };
}
