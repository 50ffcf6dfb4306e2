// The entry of an inference thread (inference-pool.ts starts it), kept plain JavaScript so Node
// loads it by its own resolution wherever the pool runs: under tsx, in Vitest, or inside the
// bundled Next.js server, where no TypeScript loader exists. tsx then loads the thread's code
// (inference-thread.ts) with the project's tsconfig paths, for this thread only.
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

await tsImport("./inference-thread.ts", { parentURL: import.meta.url, tsconfig: fileURLToPath(new URL("../../../tsconfig.json", import.meta.url)) });
