import { createRequire } from "node:module";

/**
 * Node's own `require` for resolving files inside installed packages, out of the bundler's sight:
 * in the Next.js server bundle a plain `createRequire(...).resolve(...)` is rewritten into a
 * module id (a number), and resolving a .wasm file by name makes the bundler try to compile it.
 * process.getBuiltinModule is invisible to it; tsx and Vitest take the plain createRequire.
 */
export function nodeRequire(from: string): NodeJS.Require {
  const builtin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.("node:module") as { createRequire: typeof createRequire } | undefined;
  return (builtin?.createRequire ?? createRequire)(from);
}
