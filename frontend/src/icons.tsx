// One small SVG per category: no emoji font needed, and the same picture on every machine.
import React from "react";

const PATHS: Record<string, string> = {
  clients: "M7 2h10a1 1 0 0 1 1 1v18a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zm1 2v14h8V4zm3 15h2v1h-2z",
  data_sources: "M11 3h2v9l3-3 1.4 1.4L12 15.8 6.6 10.4 8 9l3 3zM4 17h16v4H4z",
  storage: "M12 2c4.4 0 8 1.3 8 3v14c0 1.7-3.6 3-8 3s-8-1.3-8-3V5c0-1.7 3.6-3 8-3zm0 2C8 4 6 5 6 5s2 1 6 1 6-1 6-1-2-1-6-1zM6 8v3c0 .5 2 1.6 6 1.6s6-1.1 6-1.6V8c-1.5.7-3.6 1-6 1s-4.5-.3-6-1zm0 6v5c0 .5 2 1.5 6 1.5s6-1 6-1.5v-5c-1.5.7-3.6 1-6 1s-4.5-.3-6-1z",
  processing: "M10 2h4l.5 3 2 1 2.5-1.8 2.8 2.8L20 9.5l1 2V12.5l-1 2 1.8 2.5-2.8 2.8-2.5-1.8-2 1-.5 3h-4l-.5-3-2-1-2.5 1.8-2.8-2.8L4 14.5l-1-2v-1l1-2-1.8-2.5L5 4.2 7.5 6l2-1zm2 6a4 4 0 1 0 0 8 4 4 0 0 0 0-8z",
  features: "M3 3h8v8H3zm10 0h8v8h-8zM3 13h8v8H3zm10 0h8v8h-8z",
  training: "M3 19h18v2H3zM5 17V9h3v8zm5.5 0V5h3v12zM16 17v-6h3v6z",
  models: "M5 3a2 2 0 1 1 0 4 2 2 0 0 1 0-4zm14 0a2 2 0 1 1 0 4 2 2 0 0 1 0-4zM12 10a2 2 0 1 1 0 4 2 2 0 0 1 0-4zM5 17a2 2 0 1 1 0 4 2 2 0 0 1 0-4zm14 0a2 2 0 1 1 0 4 2 2 0 0 1 0-4zM6.5 6l4.5 4.5-1 1L5.5 7zm11 0 1 1-4.5 4.5-1-1zM11 13.5l1 1L6.5 20l-1-1zm2 0 5.5 5.5-1 1-5.5-5.5z",
  serving: "M13 2 4 14h7l-1 8 9-12h-7z",
  monitoring: "M3 3h2v16h16v2H3zm4 12 4-5 3 3 5-7 1.6 1.2-6.4 9-3-3-2.6 3.3z",
  privacy: "M12 2a5 5 0 0 1 5 5v3h1a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V11a1 1 0 0 1 1-1h1V7a5 5 0 0 1 5-5zm0 2a3 3 0 0 0-3 3v3h6V7a3 3 0 0 0-3-3zm0 9a2 2 0 0 0-1 3.7V19h2v-2.3A2 2 0 0 0 12 13z",
};

export function CategoryIcon({ category, size = 18 }: { category: string; size?: number }) {
  return (
    <svg className="mlsd-icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[category] ?? "M4 4h16v16H4z"} fill="currentColor" fillRule="evenodd" />
    </svg>
  );
}
