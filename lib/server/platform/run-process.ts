import { spawn } from "node:child_process";

/**
 * Runs a Node script to completion with its output captured; the output is shown only when it
 * fails, so routine steps (migrations, builds) keep the terminal quiet.
 */
export function runNodeScript(script: string, args: string[], env: NodeJS.ProcessEnv, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed (exit ${code}):\n${output.trim()}`))));
  });
}
