// The canvas's keys: the context the registered actions (src/actions.ts) run in, the key handler (wherever the
// focus is inside the canvas), the arrows that nudge the selection, and the click that gives the canvas the keyboard.
import { useEffect, useRef, type RefObject } from "react";
import { actionFor, type ActionContext } from "./actions";
import type { BoardState } from "./board";
import type { Prefs } from "./prefs";
import { FIT, GRID, snap } from "./view";

const ARROWS: Record<string, [number, number]> = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
/** Keys typed into these are theirs, not the canvas's. */
const OWN_KEYS = "input, textarea, select, .mlsd-edge-menu";

/** A click on the empty canvas gives it the keyboard (React Flow's pane takes no focus of its own). */
export function focusCanvas(wrapper: RefObject<HTMLDivElement | null>): void {
  const active = document.activeElement;
  if (!active || !wrapper.current?.contains(active) || active === document.body) wrapper.current?.focus({ preventScroll: true });
}

/** What the actions need besides the board: the selection's commands, the preferences, the element that goes
 * full screen, and the keyboard way to a connection's menu. */
export interface KeyParts {
  selectedIds: () => string[];
  selectAll: () => void;
  clearSelection: () => void;
  prefs: Prefs;
  setPrefs: (change: Partial<Prefs>) => void;
  root: RefObject<HTMLDivElement | null>;
  openMenuOn: (edgeEl: HTMLElement) => void;
}

/** Listens to the keys; returns the actions' context (the canvas's buttons run actions with it too). */
export function useKeys(b: BoardState, parts: KeyParts): ActionContext {
  const { ro, emit, flow, setNodes, fitted } = b;
  const { prefs, setPrefs, root } = parts;
  const copied = useRef<string[]>([]);

  const ctx: ActionContext = {
    readOnly: ro,
    selectedBlocks: parts.selectedIds,
    allBlocks: () => flow.getNodes().map((n) => n.id),
    emit,
    copy: (ids) => { copied.current = ids; },
    copied: () => copied.current,
    selectAll: parts.selectAll,
    clearSelection: parts.clearSelection,
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

  const nudge = ([dx, dy]: [number, number], factor: number) => {
    const moved: Record<string, [number, number]> = {};
    for (const n of flow.getNodes()) {
      if (n.selected) moved[n.id] = [snap(n.position.x + dx * GRID[0] * factor), snap(n.position.y + dy * GRID[1] * factor)];
    }
    if (!Object.keys(moved).length) return;
    emit({ type: "move", positions: moved });
    setNodes((ns) => ns.map((n) => (moved[n.id] ? { ...n, position: { x: moved[n.id][0], y: moved[n.id][1] } } : n)));
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
      parts.openMenuOn(edgeEl);
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
  return ctx;
}
