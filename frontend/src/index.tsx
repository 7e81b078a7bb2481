import React from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/style.css";
import "./style.css";
import { Canvas } from "./Canvas";
import { heldVersion } from "./sync";
import { listen, setHeight, setValue } from "./streamlit";
import type { Props } from "./types";

const root = createRoot(document.getElementById("root")!);
const SESSION = Math.random().toString(36).slice(2, 10);
let counter = 0;

/** Each event's id: this canvas's session and a count (Python acknowledges the last one it handled by it). */
function nextEventId(): string {
  counter += 1;
  return `${SESSION}-${counter}`;
}

// A component value holds only the latest value: send every event Python has not acknowledged yet, in order,
// and drop them once the props come back with the id of the last one Python handled.
let outbox: Record<string, unknown>[] = [];
const emit = (event: Record<string, unknown>) => {
  outbox = [...outbox, { id: nextEventId(), ...event }];
  setValue({ events: outbox, have: heldVersion() });
};

listen((args) => {
  const props = args as unknown as Props;
  const handled = outbox.findIndex((e) => e.id === props.ack);
  if (handled >= 0) outbox = outbox.slice(handled + 1);
  root.render(<Canvas props={props} emit={emit} />);
  setHeight(props.height);
});
