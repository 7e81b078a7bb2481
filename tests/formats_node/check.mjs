// Reads diagram files with each tool's own open-source code and prints what the tool sees, as JSON.
//   node check.mjs mermaid FILE...     Mermaid's own parser (mermaid.parse + the flowchart db), in jsdom
//   node check.mjs drawio FILE...      mxGraph's XML codec (mxCodec.decode into an mxGraphModel), in jsdom
//   node check.mjs excalidraw FILE...  Excalidraw's restore (@excalidraw/excalidraw, bundled: npm run build)
//   node check.mjs make-fixtures DIR files made by the tools' own serialisers (see tests/fixtures/formats/README.md)
// A file the tool rejects prints {"ok": false, "error": "..."} and exits 0: the Python tests assert on it.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { JSDOM } from "jsdom";

const require = createRequire(import.meta.url);

const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
for (const name of ["window", "document", "navigator", "XMLSerializer", "DOMParser", "Node", "Element",
                    "HTMLElement", "SVGElement", "getComputedStyle", "requestAnimationFrame"]) {
  if (!(name in globalThis) || name === "window" || name === "document") {
    try { globalThis[name] = name === "window" ? dom.window : dom.window[name]; } catch { /* read-only */ }
  }
}

async function mermaidCheck(text) {
  const { default: mermaid } = await import("mermaid");
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
  try {
    const parsed = await mermaid.parse(text);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db;
    // the flowchart db keeps entity codes as placeholders until drawing; decodeEntities is what mermaid draws
    const decode = (t) => String(t ?? "").replace(/ﬂ°°/g, "&#").replace(/ﬂ°/g, "&").replace(/¶ß/g, ";");
    const vertices = [...db.getVertices().values()].map((v) => ({ id: v.id, text: decode(v.text), classes: v.classes,
                                                                 type: v.type ?? null }));
    const edges = db.getEdges().map((e) => ({ start: e.start, end: e.end, text: decode(e.text), stroke: e.stroke }));
    return { ok: true, type: parsed.diagramType, vertices, edges };
  } catch (e) {
    return { ok: false, error: String(e.message || e).slice(0, 500) };
  }
}

function mx() {
  globalThis.mxBasePath = ".";
  const factory = require("mxgraph");  // a CommonJS factory of the whole library
  const m = factory({ mxLoadResources: false, mxLoadStylesheets: false, mxForceIncludes: false });
  // mxCodecRegistry makes objects from node names through window[name] (mxGeometry, mxPoint...), as in a page
  for (const [name, value] of Object.entries(m)) if (name.startsWith("mx")) dom.window[name] = value;
  return m;
}


function drawioCheck(text) {
  const m = mx();
  try {
    const doc = m.mxUtils.parseXml(text);
    const err = doc.getElementsByTagName("parsererror");
    if (err.length) return { ok: false, error: err[0].textContent.slice(0, 500) };
    const node = doc.documentElement.nodeName === "mxGraphModel" ? doc.documentElement
      : doc.getElementsByTagName("mxGraphModel")[0];
    if (!node) return { ok: false, error: "no mxGraphModel (compressed or empty page)" };
    const model = new m.mxGraphModel();
    new m.mxCodec(doc).decode(node, model);
    const cells = Object.values(model.cells).map((c) => {
      const value = c.value && c.value.nodeType === 1 ? Object.fromEntries([...c.value.attributes].map(
        (a) => [a.name, a.value])) : c.value ?? null;
      const g = c.geometry;
      return { id: c.id, vertex: !!c.vertex, edge: !!c.edge, parent: c.parent ? c.parent.id : null,
               source: c.source ? c.source.id : null, target: c.target ? c.target.id : null, style: c.style ?? null,
               value, geometry: g ? { x: g.x, y: g.y, width: g.width, height: g.height } : null };
    });
    return { ok: true, cells };
  } catch (e) {
    return { ok: false, error: String(e.message || e).slice(0, 500) };
  }
}

let excalidraw = null;
async function excalidrawModule() {
  excalidraw ??= loadExcalidraw();
  return excalidraw;
}

async function loadExcalidraw() {
  // Excalidraw reads browser globals when its modules load: give it jsdom's window as the global scope
  for (const name of Object.getOwnPropertyNames(dom.window)) {
    if (!(name in globalThis)) {
      try { globalThis[name] = dom.window[name]; } catch { /* read-only */ }
    }
  }
  globalThis.devicePixelRatio = 1;
  // jsdom has no canvas: a 2D context whose drawing calls do nothing and whose measureText sizes text as
  // 0.6 em per character (restore measures bound text; nothing here is drawn)
  dom.window.HTMLCanvasElement.prototype.getContext = function () {
    const context = { font: "16px sans-serif", filter: "none",
      measureText: (text) => ({ width: String(text).length * (parseFloat(context.font) || 16) * 0.6,
                                actualBoundingBoxAscent: 12, actualBoundingBoxDescent: 4 }) };
    return new Proxy(context, { get: (target, key) => (key in target ? target[key] : () => undefined) });
  };
  // nor font loading: fonts register as loaded (measuring uses the context above)
  globalThis.FontFace = class FontFace {
    constructor(family) { this.family = family; this.status = "loaded"; }
    load() { return Promise.resolve(this); }
  };
  const fonts = new Set();
  Object.defineProperty(dom.window.document, "fonts", { value: Object.assign(fonts, {
    check: () => true, load: () => Promise.resolve([]), ready: Promise.resolve() }) });
  return await import("./build/excalidraw.mjs");
}

async function excalidrawCheck(text) {
  const ex = await excalidrawModule();
  try {
    const data = JSON.parse(text);
    const restored = ex.restore(data, null, null, { refreshDimensions: false, repairBindings: true });
    const elements = restored.elements.map((e) => ({
      id: e.id, type: e.type, x: e.x, y: e.y, text: e.text ?? null, originalText: e.originalText ?? null,
      containerId: e.containerId ?? null, boundElements: e.boundElements ?? null,
      start: e.startBinding ? e.startBinding.elementId : null, end: e.endBinding ? e.endBinding.elementId : null,
      strokeStyle: e.strokeStyle, backgroundColor: e.backgroundColor, customData: e.customData ?? null,
      isDeleted: e.isDeleted }));
    return { ok: true, elements };
  } catch (e) {
    return { ok: false, error: String(e.message || e).slice(0, 500) };
  }
}

function drawioFixture() {
  // A diagram built with mxGraph's own API and written by its own encoder (mxCodec.encode), as draw.io does.
  const m = mx();
  const model = new m.mxGraphModel();
  const root = new m.mxCell(); root.setId("0");
  const layer = new m.mxCell(); layer.setId("1");
  model.beginUpdate();
  try {
    model.add(null, root); model.setRoot(root); model.add(root, layer);
    const vertex = (id, label, style, x, y) => {
      const cell = new m.mxCell(label, new m.mxGeometry(x, y, 120, 60), style);
      cell.setId(id); cell.setVertex(true); model.add(layer, cell); return cell;
    };
    const doc = m.mxUtils.createXmlDocument();
    const obj = doc.createElement("UserObject");
    obj.setAttribute("label", "Model server"); obj.setAttribute("owner", "ml-platform");
    const a = vertex("users", "Mobile users", "ellipse;whiteSpace=wrap;html=1;", 0, 0);
    const b = vertex("kafka", "Kafka<br>events", "rounded=1;whiteSpace=wrap;html=1;", 200, 0);
    const c = vertex("server", obj, "rounded=0;whiteSpace=wrap;html=1;", 400, 0);
    const d = vertex("mystery", "Flux capacitor", "shape=cylinder3;whiteSpace=wrap;html=1;", 400, 150);
    vertex("note", "remember the SLA", "text;html=1;", 0, 200);
    const edge = (id, label, s, t, style) => {
      const cell = new m.mxCell(label, new m.mxGeometry(), style);
      cell.setId(id); cell.setEdge(true); cell.geometry.relative = true;
      model.add(layer, cell); model.setTerminal(cell, s, true); model.setTerminal(cell, t, false);
    };
    edge("e1", "clicks", a, b, "endArrow=classic;html=1;");
    edge("e2", "", b, c, "dashed=1;endArrow=classic;html=1;");
    edge("e3", "nightly batch", c, d, "endArrow=classic;html=1;");
  } finally { model.endUpdate(); }
  const node = new m.mxCodec().encode(model);
  const xml = m.mxUtils.getXml(node);
  return `<mxfile host="mxGraph 4.2.2 (mxCodec.encode)">\n<diagram id="fixture" name="Built with mxGraph">${xml}</diagram>\n</mxfile>\n`;
}

async function excalidrawFixture() {
  // A scene made by Excalidraw's own skeleton API (convertToExcalidrawElements: shapes with bound labels and
  // arrows bound to them) and written by its own serializeAsJSON, as "Save to disk" does.
  const ex = await excalidrawModule();
  const elements = ex.convertToExcalidrawElements([
    { type: "rectangle", id: "fs", x: 0, y: 0, width: 160, height: 70, label: { text: "Feature store" } },
    { type: "ellipse", id: "xgb", x: 300, y: 0, width: 160, height: 70, label: { text: "XGBoost" } },
    { type: "diamond", id: "odd", x: 300, y: 200, width: 160, height: 90, label: { text: "Wibble" } },
    { type: "arrow", x: 160, y: 35, width: 140, height: 0, start: { id: "fs" }, end: { id: "xgb" },
      label: { text: "features" } },
    { type: "arrow", x: 380, y: 70, width: 0, height: 130, start: { id: "xgb" }, end: { id: "odd" },
      strokeStyle: "dashed" },
    { type: "text", x: 0, y: 300, text: "a free note" },
  ], { regenerateIds: false });
  return ex.serializeAsJSON(elements, { viewBackgroundColor: "#ffffff" }, {}, "local");
}

// a pipe is written asynchronously: wait for each line, or process.exit would cut the output short
const emit = (value) => new Promise((done) => process.stdout.write(JSON.stringify(value) + "\n", done));
const [command, ...files] = process.argv.slice(2);
if (command === "make-fixtures") {
  fs.writeFileSync(path.join(files[0], "mxgraph-built.drawio"), drawioFixture());
  fs.writeFileSync(path.join(files[0], "excalidraw-skeleton.excalidraw"), await excalidrawFixture() + "\n");
  await emit({ ok: true });
} else {
  for (const file of files) {  // one JSON line per file
    const text = fs.readFileSync(file, "utf8");
    const out = command === "mermaid" ? await mermaidCheck(text) : command === "drawio" ? drawioCheck(text)
      : command === "excalidraw" ? await excalidrawCheck(text) : { ok: false, error: `unknown command ${command}` };
    await emit(out);
  }
}
process.exit(0);
