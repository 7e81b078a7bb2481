// Builds the canvas into ../components/whiteboard/static/: index.html (the whole bundle, JS and CSS inline) and
// stamp.json (sha256 of the sources below and of index.html). The build is deterministic: the same sources and
// lockfile give the same bytes, so CI can rebuild and compare with the committed bundle.
// tests/test_whiteboard_stamp.py recomputes the sources hash the same way (keep SOURCES in step with it).
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "components", "whiteboard", "static");
export const SOURCES = ["build.mjs", "package.json", "package-lock.json", "tsconfig.json", "src"];

function files(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => files(join(path, name)));
}

function sourcesHash() {
  const hash = createHash("sha256");
  const all = SOURCES.flatMap((s) => files(join(here, s))).map((p) => relative(here, p).split(sep).join("/")).sort();
  for (const rel of all) {
    hash.update(rel + "\0");
    hash.update(readFileSync(join(here, rel)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

// React Flow's ResizeObserver re-measures every block it sees for the first time, even one whose size and handles
// the canvas already gave (src/sync.ts): on opening a 1,000-block design that is a second full render of every
// block and connection. Without `force` it re-measures a block when its size differs from the known one or its
// handles were never measured, which is what the canvas needs (React Flow's own useUpdateNodeInternals still forces).
// The build fails if the line is not there (another React Flow version: look again).
const REACT_FLOW = /@xyflow[\\/]react[\\/]dist[\\/]esm[\\/]index\.m?js$/;
const PATCHES = [{
  from: "nodeElement: entry.target,\n                    force: true,",
  to: "nodeElement: entry.target,\n                    force: false,",
}];
const patchReactFlow = {
  name: "patch-react-flow",
  setup(build) {
    build.onLoad({ filter: REACT_FLOW }, (args) => {
      let text = readFileSync(args.path, "utf8");
      for (const p of PATCHES) {
        if (text.split(p.from).length !== 2) throw new Error(`patch-react-flow: '${p.from}' is not once in ${args.path}`);
        text = text.replace(p.from, p.to);
      }
      return { contents: text, loader: "js" };
    });
  },
};

const result = await esbuild.build({
  entryPoints: [join(here, "src", "index.tsx")], bundle: true, minify: process.env.NOMINIFY !== "1", format: "iife", target: "es2020",
  write: false, outdir: "out", legalComments: "none", charset: "utf8",
  define: { "process.env.NODE_ENV": '"production"' }, logLevel: "warning", plugins: [patchReactFlow],
});
const js = result.outputFiles.find((f) => f.path.endsWith(".js")).text;
const css = result.outputFiles.find((f) => f.path.endsWith(".css")).text;
const safeJs = js.replace(/<\/script/gi, "<\\/script");
const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MLSD whiteboard canvas</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${css}</style></head>
<body><main id="root" aria-label="Design canvas"></main><script>${safeJs}</script></body></html>
`;
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "index.html"), html);
const stamp = {
  sources_sha256: sourcesHash(),
  bundle_sha256: createHash("sha256").update(html).digest("hex"),
  sources: SOURCES,
};
writeFileSync(join(out, "stamp.json"), JSON.stringify(stamp, null, 2) + "\n");
console.log(`canvas bundle: ${(html.length / 1024).toFixed(0)} KiB, sources ${stamp.sources_sha256.slice(0, 12)}`);
