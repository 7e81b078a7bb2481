// A block: its label once, the kind as an icon and a small caption, the category colour, a findings badge and a
// comments badge (open review threads).
import React, { createContext, memo, useContext, useState } from "react";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { CategoryIcon } from "./icons";
import type { Badge } from "./types";

export type BlockData = {
  label: string; caption: string; category: string; color: string; kind: string;
  badge?: Badge; onBadge?: (id: string) => void; onComments?: (id: string) => void; onLabel?: (id: string, label: string) => void; readOnly: boolean;
};
export type BlockNodeType = Node<BlockData, "block">;

const WORDS = { error: "error", warning: "warning", info: "note" } as const;

/** Zoomed out so far (below 20 %) that text would be specks: a block is drawn as its coloured box and its findings
 * badge as a dot, without label, icon or handles (a connection is not drawn from a 3 px handle; the connections are
 * drawn from the handles' known places, src/sync.ts). Half the elements of a 1,000-block design, drawn and updated. */
export const FarContext = createContext(false);

function BlockNodeView({ id, data, selected }: NodeProps<BlockNodeType>) {
  const { badge } = data;
  const far = useContext(FarContext);
  const [editing, setEditing] = useState(false);
  const finish = (value: string | null) => {
    setEditing(false);
    if (value !== null && value.trim() !== data.label) data.onLabel?.(id, value.trim());
  };
  const plural = badge && badge.count === 1 ? "finding" : "findings";
  const badgeButton = badge && badge.count > 0 && (
    <button type="button" className={`mlsd-badge nodrag sev-${badge.severity}`}
            aria-label={`${badge.count} ${plural}, worst: ${WORDS[badge.severity]}. Show them`}
            title={`${badge.count} ${plural} (worst: ${WORDS[badge.severity]})`}
            onClick={(e) => { e.stopPropagation(); data.onBadge?.(id); }}>
      {far ? null : <>{badge.severity === "error" ? "!" : badge.severity === "warning" ? "▲" : "i"} {badge.count}</>}
    </button>
  );
  const comments = badge?.comments ?? 0;
  const commentsButton = comments > 0 && (
    <button type="button" className="mlsd-comments nodrag" data-testid={`comments-${id}`}
            aria-label={`${comments} open comment thread${comments === 1 ? "" : "s"}. Show them`}
            title={`${comments} open comment thread${comments === 1 ? "" : "s"}`}
            onClick={(e) => { e.stopPropagation(); data.onComments?.(id); }}>
      {far ? null : <>💬 {comments}</>}
    </button>
  );
  if (far && !editing) {
    return (
      <div className={"mlsd-block" + (selected ? " selected" : "")} style={{ background: data.color }}
           data-testid={`block-${id}`} data-kind={data.kind}>
        {badgeButton}
        {commentsButton}
      </div>
    );
  }
  return (
    <div className={"mlsd-block" + (selected ? " selected" : "")} style={{ background: data.color }}
         data-testid={`block-${id}`} data-kind={data.kind}>
      <Handle type="target" position={Position.Left} className="mlsd-handle" isConnectable={!data.readOnly} />
      <span className="mlsd-block-icon"><CategoryIcon category={data.category} /></span>
      <span className="mlsd-block-text">
        {editing ? (
          <input className="mlsd-label-input nodrag" defaultValue={data.label} autoFocus aria-label="Block label"
                 maxLength={200} onBlur={(e) => finish(e.target.value)}
                 onKeyDown={(e) => {
                   e.stopPropagation();
                   if (e.key === "Enter") finish(e.currentTarget.value);
                   if (e.key === "Escape") finish(null);
                 }} />
        ) : (
          <span className="mlsd-block-label" title={data.readOnly ? undefined : "Double-click to rename"}
                onDoubleClick={() => { if (!data.readOnly) setEditing(true); }}>{data.label}</span>
        )}
        {data.caption !== data.label && <span className="mlsd-block-caption">{data.caption}</span>}
      </span>
      {badgeButton}
      {commentsButton}
      <Handle type="source" position={Position.Right} className="mlsd-handle" isConnectable={!data.readOnly} />
    </div>
  );
}

export const BlockNode = memo(BlockNodeView);
