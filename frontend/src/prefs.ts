// The canvas's own view preferences (palette shown, orthogonal connections), kept in the browser: they are how
// this person likes to look at designs, not part of any design, and they survive the iframe being drawn anew.
import { useCallback, useState } from "react";

const KEY = "mlsd.canvas.prefs";
export interface Prefs { palette: boolean; orthogonal: boolean }
/** Blocks from which the palette starts folded (until the person opens it: then it stays open). */
export const LARGE = 15;

/** The stored preferences over the defaults; `defaults` depend on the design first drawn (a large one starts with
 * the palette folded, so that the drawing gets the width). */
function load(defaults: Prefs): Prefs {
  try {
    return { ...defaults, ...(JSON.parse(window.localStorage.getItem(KEY) ?? "{}") as Partial<Prefs>) };
  } catch {
    return defaults; // storage refused (private mode, sandbox): the defaults, every time
  }
}

function stored(): Partial<Prefs> {
  try {
    return JSON.parse(window.localStorage.getItem(KEY) ?? "{}") as Partial<Prefs>;
  } catch {
    return {};
  }
}

/** The preferences, a setter that remembers the person's choice, and one for new defaults (another design was
 * opened), which leaves what the person chose alone. */
export function usePrefs(defaults: Prefs): [Prefs, (change: Partial<Prefs>) => void, (change: Partial<Prefs>) => void] {
  const [prefs, setPrefs] = useState<Prefs>(() => load(defaults));
  const update = useCallback((change: Partial<Prefs>) => {
    setPrefs((old) => ({ ...old, ...change }));
    try {  // only what the person chose is stored: the rest keeps following the defaults
      window.localStorage.setItem(KEY, JSON.stringify({ ...stored(), ...change }));
    } catch { /* kept for this page only */ }
  }, []);
  const suggest = useCallback((change: Partial<Prefs>) => {
    const chosen = stored();
    const free = Object.fromEntries(Object.entries(change).filter(([k]) => !(k in chosen)));
    setPrefs((old) => ({ ...old, ...free }));
  }, []);
  return [prefs, update, suggest];
}
