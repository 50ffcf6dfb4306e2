import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * What a newcomer changes to add a class or a drift metric, enforced: a copy of the working tree
 * gets a fourth class (its catalogue entries only) and a third drift metric (its own file and one
 * catalogue entry), and the whole project is type-checked. Everything else must derive from the
 * catalogues, or fail to compile where a decision is due: only the sample generator, which has
 * to be told how to draw the new class.
 */
const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const FOURTH_CLASS = "face_shield";
/** Where adding a class must fail to compile until someone decides (SCENE_CLASSES: how to draw it). */
const DECISIONS_PER_CLASS = ["lib/domain/synthetic-scene.ts"];

let copy: string;
let errors: Array<{ file: string; message: string }>;

beforeAll(async () => {
  copy = await mkdtemp(path.join(os.tmpdir(), "masklab-catalogues-"));
  const { stdout } = await run("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, maxBuffer: 64 << 20 });
  const files = stdout.split("\0").filter((file) => file && /\.(ts|tsx|json|mjs)$/.test(file) && existsSync(path.join(ROOT, file)));
  for (const file of files) {
    await mkdir(path.dirname(path.join(copy, file)), { recursive: true });
    await copyFile(path.join(ROOT, file), path.join(copy, file));
  }
  for (const linked of ["node_modules", "generated"]) await symlink(path.join(ROOT, linked), path.join(copy, linked), "dir");
  // Unchanged files keep their cached results: only what the additions reach is checked again.
  if (existsSync(path.join(ROOT, "tsconfig.tsbuildinfo"))) await copyFile(path.join(ROOT, "tsconfig.tsbuildinfo"), path.join(copy, "tsconfig.tsbuildinfo"));

  await addFourthClass(path.join(copy, "lib/domain/classes.ts"));
  await addThirdMetric(path.join(copy, "lib/domain/drift/metrics"));

  const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
  const checked = await run(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", copy], { cwd: copy, maxBuffer: 64 << 20 }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  errors = [...checked.stdout.matchAll(/^(.+?)\(\d+,\d+\): error (.*)$/gm)].map((m) => ({ file: path.relative(copy, path.resolve(copy, m[1]!)), message: m[2]! }));
}, 180_000);

afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

/** The class joins FACEMASK_CLASSES, and every Record of classes.ts gets an entry like with_mask's. */
async function addFourthClass(file: string): Promise<void> {
  let text = await readFile(file, "utf8");
  const list = /(export const FACEMASK_CLASSES = \[[^\]]*)\] as const;/;
  expect(text, "FACEMASK_CLASSES, an `as const` list").toMatch(list);
  text = text.replace(list, `$1, "${FOURTH_CLASS}"] as const;`);
  const records = /(: Record<FacemaskClass, [^>]+> = \{\n  with_mask: ([^\n]+),\n[\s\S]*?)\n\};/g;
  expect(text, "a Record<FacemaskClass, …> in the catalogue").toMatch(records);
  text = text.replace(records, (_, body: string, value: string) => `${body}\n  ${FOURTH_CLASS}: ${value},\n};`);
  await writeFile(file, text);
}

/** Jensen–Shannon divergence in a file of its own, and one entry in the catalogue. */
async function addThirdMetric(folder: string): Promise<void> {
  await writeFile(
    path.join(folder, "js.ts"),
    `import { smoothedPair } from "../divergence";
import type { DriftMetricDefinition } from "./metric";

export const JS: DriftMetricDefinition = {
  label: "JS",
  measure(referenceCounts, windowCounts) {
    const [r, w] = smoothedPair(referenceCounts, windowCounts, {});
    return r.reduce((sum, ri, i) => {
      const m = (ri + w[i]!) / 2;
      return sum + (ri * Math.log(ri / m) + w[i]! * Math.log(w[i]! / m)) / 2;
    }, 0);
  },
  defaultThresholds: { warning: 0.02, drift: 0.05 },
  formula: "JS = ½ Σ wᵢ · ln(wᵢ / mᵢ) + ½ Σ rᵢ · ln(rᵢ / mᵢ), mᵢ = (wᵢ + rᵢ) / 2",
};
`,
  );
  const file = path.join(folder, "catalogue.ts");
  let text = await readFile(file, "utf8");
  const list = /(export const DRIFT_METRICS = \[[^\]]*)\] as const;/;
  const entries = /(DRIFT_METRIC_DEFINITIONS: [^=]+= \{[^}]*?)\s*\};/;
  expect(text, "DRIFT_METRICS, an `as const` list").toMatch(list);
  expect(text, "DRIFT_METRIC_DEFINITIONS, one entry per metric").toMatch(entries);
  text = `import { JS } from "./js";\n${text.replace(list, `$1, "js"] as const;`).replace(entries, "$1, js: JS };")}`;
  await writeFile(file, text);
}

describe("adding to a catalogue", () => {
  it("a fourth class and a third drift metric type-check everywhere but where a class needs a decision", () => {
    const elsewhere = errors.filter((e) => !DECISIONS_PER_CLASS.includes(e.file));
    expect(elsewhere, "type errors: a file restating a catalogue instead of deriving from it (or a tree that does not type-check at all)").toEqual([]);
  });

  it("the sample generator refuses a class it cannot draw", () => {
    const generator = errors.filter((e) => DECISIONS_PER_CLASS.includes(e.file));
    expect(generator.length).toBeGreaterThan(0);
    expect(generator.every((e) => e.message.includes(FOURTH_CLASS))).toBe(true);
  });
});
