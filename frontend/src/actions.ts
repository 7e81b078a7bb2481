// The canvas actions: each a small registered object with its label and keyboard shortcut, so that the key handler,
// the buttons and the shortcut help read one list. An action that edits the design only emits an event; Python
// applies it through mlsd.edit (one history for undo, redo, save and the checks).
// Keys are written "Mod+z" (Ctrl, or Cmd on a Mac), "Shift+1", "Delete"...; a key matches case-insensitively.

export interface ActionContext {
  readOnly: boolean;
  selectedBlocks: () => string[];
  allBlocks: () => string[];
  emit: (event: Record<string, unknown>) => void;
  copy: (ids: string[]) => void;
  copied: () => string[];
  selectAll: () => void;
  clearSelection: () => void;
  fitView: () => void;
  toggleRouting: () => void;
  togglePalette: () => void;
  toggleFullscreen: () => void;
}

export interface Action {
  id: string;
  label: string;
  keys: string[];
  edits: boolean; // refused on a read-only canvas
  run: (ctx: ActionContext) => void;
}

export const STEP = 40; // the offset of a paste or duplicate, in canvas units

export const ACTIONS: Action[] = [
  { id: "undo", label: "Undo", keys: ["Mod+z"], edits: true, run: (c) => c.emit({ type: "undo" }) },
  { id: "redo", label: "Redo", keys: ["Mod+Shift+z", "Mod+y"], edits: true, run: (c) => c.emit({ type: "redo" }) },
  { id: "copy", label: "Copy", keys: ["Mod+c"], edits: false, run: (c) => c.copy(c.selectedBlocks()) },
  {
    id: "paste", label: "Paste", keys: ["Mod+v"], edits: true,
    run: (c) => { if (c.copied().length) c.emit({ type: "duplicate", blocks: c.copied(), dx: STEP, dy: STEP }); },
  },
  {
    id: "duplicate", label: "Duplicate", keys: ["Mod+d"], edits: true,
    run: (c) => { const ids = c.selectedBlocks(); if (ids.length) c.emit({ type: "duplicate", blocks: ids, dx: STEP, dy: STEP }); },
  },
  { id: "select_all", label: "Select all", keys: ["Mod+a"], edits: false, run: (c) => c.selectAll() },
  { id: "clear", label: "Clear the selection", keys: ["Escape"], edits: false, run: (c) => c.clearSelection() },
  { id: "fit", label: "Zoom to fit", keys: ["Shift+1"], edits: false, run: (c) => c.fitView() },
  {
    id: "auto_layout", label: "Auto-layout (the selection, or every block)", keys: ["Shift+l"], edits: true,
    run: (c) => c.emit({ type: "auto_layout", blocks: c.selectedBlocks() }),
  },
  { id: "routing", label: "Orthogonal connections on/off", keys: ["Shift+o"], edits: false, run: (c) => c.toggleRouting() },
  { id: "fullscreen", label: "Full screen on/off", keys: ["Shift+f"], edits: false, run: (c) => c.toggleFullscreen() },
  { id: "palette", label: "Show or hide the blocks palette", keys: ["Shift+b"], edits: false, run: (c) => c.togglePalette() },
];

export const byId = (id: string): Action => ACTIONS.find((a) => a.id === id)!;

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** Whether the key event is the shortcut `key` ("Mod+Shift+z"). */
export function matches(e: KeyboardEvent, key: string): boolean {
  const parts = key.toLowerCase().split("+");
  const name = parts[parts.length - 1];
  const mod = parts.includes("mod");
  const shift = parts.includes("shift");
  // Shift+1 arrives as "!" on most layouts: compare the physical digit too
  const pressed = e.key.toLowerCase();
  const digit = /^digit(\d)$/i.exec(e.code)?.[1];
  const sameKey = pressed === name || (digit !== undefined && digit === name);
  return sameKey && (e.ctrlKey || e.metaKey) === mod && e.shiftKey === shift && !e.altKey;
}

/** The action a key event asks for (none for keys typed into a field or a menu). */
export function actionFor(e: KeyboardEvent): Action | undefined {
  return ACTIONS.find((a) => a.keys.some((k) => matches(e, k)));
}

/** A shortcut as people read it: "Ctrl+Shift+Z" (or "⌘⇧Z" on a Mac). */
export function shortcutText(action: Action): string {
  const key = action.keys[0];
  return key.split("+").map((p) => {
    if (p === "Mod") return isMac ? "⌘" : "Ctrl";
    if (p === "Shift") return isMac ? "⇧" : "Shift";
    return p.length === 1 ? p.toUpperCase() : p;
  }).join(isMac ? "" : "+");
}
