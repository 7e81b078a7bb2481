// The palette: searchable block tiles (icon, name, category colour) in a narrow column at the canvas edge, dragged
// onto the canvas (they land at the pointer) or added at the centre with Enter. It folds into a slim rail so that
// the drawing gets the width.
import React, { useMemo, useState } from "react";
import { CategoryIcon } from "./icons";
import type { Tile } from "./types";

export const DRAG_TYPE = "application/x-mlsd-kind";

export function Palette({ tiles, open, onToggle, onAdd }: {
  tiles: Tile[]; open: boolean; onToggle: () => void; onAdd: (kind: string) => void;
}) {
  const [query, setQuery] = useState("");
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? tiles.filter((t) => `${t.label} ${t.kind} ${t.category_label}`.toLowerCase().includes(q)) : tiles;
  }, [tiles, query]);
  if (!open) {
    return (
      <aside className="mlsd-palette folded" aria-label="Blocks">
        <button type="button" className="mlsd-fold" onClick={onToggle} aria-expanded={false}
                title="Show the blocks palette (Shift+B)" aria-label="Show the blocks palette" data-testid="palette-toggle">
          <span aria-hidden="true">»</span><span className="mlsd-rail-word">Blocks</span>
        </button>
      </aside>
    );
  }
  return (
    <aside className="mlsd-palette" aria-label="Blocks">
      <div className="mlsd-palette-head">
        <input type="search" placeholder="Search blocks" value={query} aria-label="Search blocks"
               onChange={(e) => setQuery(e.target.value)} />
        <button type="button" className="mlsd-fold" onClick={onToggle} aria-expanded={true}
                title="Hide the blocks palette (Shift+B)" aria-label="Hide the blocks palette" data-testid="palette-toggle">
          «
        </button>
      </div>
      <ul className="mlsd-tiles">
        {shown.map((t) => (
          <li key={t.kind}>
            <div className="mlsd-tile" role="button" tabIndex={0} draggable title={`${t.label} (${t.category_label}): ${t.purpose}`}
                 data-testid={`tile-${t.kind}`} style={{ borderLeftColor: t.color, background: t.color }}
                 aria-label={`${t.label} (${t.category_label}): drag onto the canvas, or press Enter to add`}
                 onDragStart={(e) => { e.dataTransfer.setData(DRAG_TYPE, t.kind); e.dataTransfer.effectAllowed = "copy"; }}
                 onKeyDown={(e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onAdd(t.kind); } }}>
              <CategoryIcon category={t.category} size={14} />
              <span>{t.label}</span>
            </div>
          </li>
        ))}
        {shown.length === 0 && <li className="mlsd-empty">No block matches “{query}”.</li>}
      </ul>
    </aside>
  );
}
