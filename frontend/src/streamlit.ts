// The Streamlit Components v1 protocol (what streamlit-component-lib does), without its Arrow dependency:
// the iframe says it is ready, receives "streamlit:render" messages with the props, and sends values up.
export type RenderHandler = (args: Record<string, unknown>) => void;

// A message posted to the page waits in the event loop behind the frame the browser paints next (the iframe shares
// the page's thread), which on a 1,000-block design is most of a drag's latency. When the page is of the same
// origin (always, for a component Streamlit serves itself), the message is delivered at once, as the very event
// Streamlit's component registry listens for, coming from this window; else it is posted.
function send(type: string, data: Record<string, unknown>): void {
  const message = { isStreamlitMessage: true, type, ...data };
  try {
    const page = window.parent as Window & typeof globalThis;
    if (page !== window && page.document) {
      page.dispatchEvent(new page.MessageEvent("message", { data: message, source: window, origin: window.location.origin }));
      return;
    }
  } catch {
    // another origin: the page is not ours to touch
  }
  window.parent.postMessage(message, "*");
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
