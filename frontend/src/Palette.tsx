// The palette: searchable block tiles at the canvas edge, dragged onto the canvas (or Enter: added at the centre).
import React, { useMemo, useState } from "react";
import { CategoryIcon } from "./icons";
import type { Tile } from "./types";

export const DRAG_TYPE = "application/x-mlsd-kind";

export function Palette({ tiles, onAdd }: { tiles: Tile[]; onAdd: (kind: string) => void }) {
  const [query, setQuery] = useState("");
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? tiles.filter((t) => `${t.label} ${t.kind} ${t.category_label}`.toLowerCase().includes(q)) : tiles;
  }, [tiles, query]);
  return (
    <aside className="mlsd-palette" aria-label="Blocks">
      <label className="mlsd-palette-search">
        <span>Blocks</span>
        <input type="search" placeholder="Search blocks" value={query} aria-label="Search blocks"
               onChange={(e) => setQuery(e.target.value)} />
      </label>
      <ul className="mlsd-tiles">
        {shown.map((t) => (
          <li key={t.kind}>
            <div className="mlsd-tile" role="button" tabIndex={0} draggable title={t.purpose}
                 data-testid={`tile-${t.kind}`} style={{ borderLeftColor: t.color, background: t.color }}
                 aria-label={`${t.label} (${t.category_label}): drag onto the canvas, or press Enter to add`}
                 onDragStart={(e) => { e.dataTransfer.setData(DRAG_TYPE, t.kind); e.dataTransfer.effectAllowed = "copy"; }}
                 onKeyDown={(e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onAdd(t.kind); } }}>
              <CategoryIcon category={t.category} size={16} />
              <span>{t.label}</span>
            </div>
          </li>
        ))}
        {shown.length === 0 && <li className="mlsd-empty">No block matches “{query}”.</li>}
      </ul>
    </aside>
  );
}
