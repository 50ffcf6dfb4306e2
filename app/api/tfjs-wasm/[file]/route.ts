import { readFile } from "node:fs/promises";
import path from "node:path";
import { tfjsWasmDir } from "@/lib/detection/tf/node-backend";
import { guarded } from "@/lib/server/auth/guard";

export const dynamic = "force-dynamic";

/** The wasm binaries of @tensorflow/tfjs-backend-wasm for the browser's inference worker, served from the installed package (nothing is fetched from elsewhere). */
const FILES = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"] as const;

export const GET = guarded<{ file: string }>("models.predict", async (_request, { params }) => {
  const file = FILES.find((f) => f === params.file);
  if (!file) return new Response("not found", { status: 404 });
  const bytes = await readFile(path.join(tfjsWasmDir(), file));
  return new Response(new Uint8Array(bytes), { headers: { "Content-Type": "application/wasm", "Cache-Control": "private, max-age=86400" } });
});
