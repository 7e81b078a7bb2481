// The Streamlit Components v1 protocol (what streamlit-component-lib does), without its Arrow dependency:
// the iframe says it is ready, receives "streamlit:render" messages with the props, and sends values up.
export type RenderHandler = (args: Record<string, unknown>) => void;

function send(type: string, data: Record<string, unknown>): void {
  window.parent.postMessage({ isStreamlitMessage: true, type, ...data }, "*");
}

export function listen(onRender: RenderHandler): void {
  window.addEventListener("message", (event: MessageEvent) => {
    const data = event.data as { type?: string; args?: Record<string, unknown> } | null;
    if (data && data.type === "streamlit:render" && data.args) onRender(data.args);
  });
  send("streamlit:componentReady", { apiVersion: 1 });
}

export function setValue(value: unknown): void {
  send("streamlit:setComponentValue", { value, dataType: "json" });
}

export function setHeight(height: number): void {
  send("streamlit:setFrameHeight", { height });
}
