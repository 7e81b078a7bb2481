import React from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/style.css";
import "./style.css";
import { Canvas, nextEventId } from "./Canvas";
import { listen, setHeight, setValue } from "./streamlit";
import type { Props } from "./types";

const root = createRoot(document.getElementById("root")!);
const emit = (event: Record<string, unknown>) => setValue({ id: nextEventId(), ...event });

listen((args) => {
  const props = args as unknown as Props;
  root.render(<Canvas props={props} emit={emit} />);
  setHeight(props.height);
});
