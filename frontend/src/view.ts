// The canvas's view: its grid and zoom range, the first view (fitted before anything is drawn), and fitting again
// when the canvas changes size or goes full screen.
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from "react";
import { getNodesBounds, getViewportForBounds, type Viewport } from "@xyflow/react";
import type { BlockNodeType } from "./BlockNode";
import type { BoardState } from "./board";

export const GRID: [number, number] = [20, 20];
// A fitted design keeps clear of the zoom buttons along the canvas' left edge (they are ~50 px from it).
export const FIT = { padding: { top: 0.06, right: 0.06, bottom: 0.06, left: "64px" as const }, maxZoom: 1 };
export const MIN_ZOOM = 0.05;
export const FAR = 0.2; // below this zoom a label is under 3 px high: blocks are drawn as coloured boxes (much less to paint)
export const snap = (v: number) => Math.round(v / GRID[0]) * GRID[0];

/** The first view is fitted before React Flow draws anything (the blocks' sizes are known: src/sync.ts), so it
 * draws the design once, where it will stay, instead of drawing it, measuring it, fitting and drawing it again.
 * Null until then; `drawnWidth` is the canvas's width it was fitted to. */
export function useFirstView(wrapper: RefObject<HTMLDivElement | null>, nodes: BlockNodeType[]) {
  const [firstView, setFirstView] = useState<Viewport | null>(null);
  const drawnWidth = useRef(0);
  useLayoutEffect(() => {
    const w = wrapper.current?.clientWidth ?? 0;
    const h = wrapper.current?.clientHeight ?? 0;
    drawnWidth.current = w;
    const bounds = nodes.length ? getNodesBounds(nodes) : null;
    setFirstView(bounds && w && h ? getViewportForBounds(bounds, w, h, MIN_ZOOM, FIT.maxZoom, FIT.padding) : { x: 0, y: 0, zoom: 1 });
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  return { firstView, drawnWidth };
}

/** The canvas changes size (the side panel closed, the palette folded, full screen): while the person has not
 * panned or zoomed since the view was last fitted, fit it again to the new size. Returns whether the canvas is
 * full screen. */
export function useRefit(b: BoardState, root: RefObject<HTMLDivElement | null>, drawnWidth: RefObject<number>): boolean {
  const { flow, wrapper, fitted } = b;
  const [fullscreen, setFullscreen] = useState(false);
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
  return fullscreen;
}
