// The menu a click on a connection opens: its flow (request / stream / batch / feedback) and the fallback mark.
import React, { useEffect, useLayoutEffect, useRef, useState } from "react";
import { FLOWS, type Flow } from "./types";
import { FLOW_STYLE } from "./FlowEdge";

export interface MenuState { edgeId: string; x: number; y: number; flow: Flow; fallback: boolean }

export function EdgeMenu({ menu, onFlow, onFallback, onClose }: {
  menu: MenuState; onFlow: (flow: Flow) => void; onFallback: (on: boolean) => void; onClose: () => void;
}) {
  const first = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [at, setAt] = useState({ left: menu.x, top: menu.y });
  useEffect(() => { first.current?.focus(); }, [menu.edgeId]);
  useLayoutEffect(() => {  // opened near the canvas' right or bottom edge: moved in, so that all of it shows
    const el = box.current;
    const room = el?.offsetParent;
    if (!el || !room) return;
    setAt({ left: Math.max(4, Math.min(menu.x, room.clientWidth - el.offsetWidth - 4)),
            top: Math.max(4, Math.min(menu.y, room.clientHeight - el.offsetHeight - 4)) });
  }, [menu.x, menu.y]);
  return (
    <div className="mlsd-edge-menu" role="dialog" aria-label={`Connection ${menu.edgeId}`} ref={box}
         style={at} data-testid="edge-menu"
         onKeyDown={(e) => { if (e.key === "Escape") { e.stopPropagation(); onClose(); } }}>
      <div role="group" aria-label="Flow">
        {FLOWS.map((flow, i) => (
          <button key={flow} type="button" ref={i === 0 ? first : undefined} aria-pressed={menu.flow === flow}
                  className={"mlsd-flow-choice" + (menu.flow === flow ? " active" : "")}
                  onClick={() => onFlow(flow)}>
            <svg width="28" height="8" aria-hidden="true"><line x1="0" y1="4" x2="28" y2="4" stroke={FLOW_STYLE[flow].color}
              strokeWidth="2" strokeDasharray={FLOW_STYLE[flow].dash} /></svg>
            {flow}
          </button>
        ))}
      </div>
      <label className="mlsd-fallback">
        <input type="checkbox" checked={menu.fallback} onChange={(e) => onFallback(e.target.checked)} />
        fallback (called only when the other calls fail)
      </label>
      <button type="button" className="mlsd-close" onClick={onClose}>Close</button>
    </div>
  );
}
