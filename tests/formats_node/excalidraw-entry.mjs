// What the checks use of Excalidraw's own code, bundled for Node by esbuild (npm run build): the package is
// published for bundlers (extensionless imports, CSS, CommonJS dependencies), so plain Node cannot import it.
export { convertToExcalidrawElements, restore, restoreElements, serializeAsJSON } from "@excalidraw/excalidraw";
