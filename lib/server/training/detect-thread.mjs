// The entry of a detection thread (detect-threads.ts starts it), plain JavaScript so Node loads it
// wherever training runs (tsx, Vitest); tsx then loads the thread's code with the project's paths.
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

await tsImport("./detect-thread.ts", { parentURL: import.meta.url, tsconfig: fileURLToPath(new URL("../../../tsconfig.json", import.meta.url)) });
