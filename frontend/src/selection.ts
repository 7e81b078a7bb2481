// The selection: one made in Python (the inspector, a finding) is shown here and brought into view; one made here
// (a click, a selection box, select all, Escape) is reported up once it settles, never echoed back.
import { useCallback, useEffect, useRef } from "react";
import type { OnSelectionChangeParams } from "@xyflow/react";
import type { BoardState } from "./board";
import { focusCanvas } from "./keyboard";
import { NODE_H, NODE_W } from "./types";

export function useSelection(b: BoardState, selected: string | null | undefined) {
  const { ro, emit, flow, wrapper, setNodes, setEdges, setMenu, lastSelection } = b;
  const selectTimer = useRef<number | undefined>(undefined);
  const boxSelecting = useRef(false);

  // A selection made in Python: select it here too and bring it into view.
  const lastPicked = useRef(selected ?? null);
  useEffect(() => {
    const picked = selected ?? null;
    if (picked === lastPicked.current) return;
    lastPicked.current = picked;
    if (picked) reveal(picked);
  }, [selected]); // eslint-disable-line react-hooks/exhaustive-deps

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
    if (block) keepKeyboardOn(id);
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

  // The keyboard was on a block (Ctrl+D on it, say) and Python picked another (the copy): the keyboard goes to the
  // block picked, so that an arrow moves what is selected. A focus elsewhere (the page, a field) stays where it is.
  const keepKeyboardOn = (id: string) => {
    const onBlock = (document.activeElement as HTMLElement | null)?.closest?.(".react-flow__node");
    if (!onBlock || !wrapper.current?.contains(onBlock) || onBlock.getAttribute("data-id") === id) return;
    window.requestAnimationFrame(() => {
      const el = wrapper.current?.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
      el?.focus({ preventScroll: true });
    });
  };

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

  const selectedIds = () => flow.getNodes().filter((n) => n.selected).map((n) => n.id);

  return {
    onSelectionChange,
    selectedIds,
    onSelectionStart: () => { boxSelecting.current = true; },
    onSelectionEnd: () => {
      boxSelecting.current = false;
      focusCanvas(wrapper);
      reportSelection(selectedIds().sort(), flow.getEdges().filter((x) => x.selected).map((x) => x.id).sort());
    },
    selectAll: () => {
      setNodes((ns) => ns.map((n) => (n.selected ? n : { ...n, selected: true })));
      setEdges((es) => es.map((x) => (x.selected ? x : { ...x, selected: true })));
    },
    clearSelection: () => {
      setMenu(null);
      setNodes((ns) => ns.map((n) => (n.selected ? { ...n, selected: false } : n)));
      setEdges((es) => es.map((x) => (x.selected ? { ...x, selected: false } : x)));
    },
  };
}
