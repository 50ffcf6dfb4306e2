import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { nodeRequire } from "@/lib/detection/node-require";

/**
 * onnxruntime-web's runtime for the browser's inference worker, served from the installed package
 * (never a CDN): the JSEP build (WebGPU and wasm execution providers) and the plain wasm build,
 * each an ES module and its WebAssembly. The URL carries the package's version, so the files are
 * cached for good and an upgrade changes the URL.
 */
const CONTENT_TYPES = {
  "ort-wasm-simd-threaded.jsep.mjs": "text/javascript",
  "ort-wasm-simd-threaded.jsep.wasm": "application/wasm",
  "ort-wasm-simd-threaded.mjs": "text/javascript",
  "ort-wasm-simd-threaded.wasm": "application/wasm",
} as const;
type RuntimeFile = keyof typeof CONTENT_TYPES;

let installed: Promise<{ dir: string; version: string }> | undefined;

/** The installed package's dist folder and version, resolved at run time (the package stays in node_modules). */
function installedRuntime(): Promise<{ dir: string; version: string }> {
  installed ??= (async () => {
    const dir = path.dirname(nodeRequire(path.join(process.cwd(), "package.json")).resolve("onnxruntime-web/ort-wasm-simd-threaded.wasm"));
    const { version } = z.object({ version: z.string() }).parse(JSON.parse(await readFile(path.join(dir, "..", "package.json"), "utf8")));
    return { dir, version };
  })();
  return installed;
}

/** One runtime file of the installed version, or null for any other name or version. */
export async function onnxRuntimeWebFile(version: string, name: string): Promise<{ bytes: Buffer; etag: string; contentType: string } | null> {
  const file = (Object.keys(CONTENT_TYPES) as RuntimeFile[]).find((f) => f === name);
  const runtime = await installedRuntime();
  if (!file || version !== runtime.version) return null;
  return { bytes: await readFile(path.join(runtime.dir, file)), etag: `onnxruntime-web-${runtime.version}-${file}`, contentType: CONTENT_TYPES[file] };
}
