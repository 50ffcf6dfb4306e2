import type { Split } from "./states";

export type AssignedSplit = Exclude<Split, "unassigned">;

export interface SplitRatios {
  train: number;
  val: number;
  test: number;
}

export const DEFAULT_SPLIT_RATIOS: SplitRatios = { train: 0.7, val: 0.15, test: 0.15 };

export interface SplitCandidate {
  /** stable identity, e.g. the file name */
  key: string;
  /** class names of the image's boxes (repeats allowed) */
  classes: readonly string[];
}

/**
 * Deterministic stratified split: each image is grouped by the rarest class it contains (images
 * without boxes form their own group), each group is ordered by a seeded hash of the key and cut
 * by the ratios (see splitQuotas). Rare classes therefore reach every split, and the result depends only on the
 * keys, their classes and the seed — not on input order.
 */
export function stratifiedSplit(
  items: readonly SplitCandidate[],
  seed: number,
  ratios: SplitRatios = DEFAULT_SPLIT_RATIOS,
): Map<string, AssignedSplit> {
  const total = ratios.train + ratios.val + ratios.test;
  if (!(total > 0) || [ratios.train, ratios.val, ratios.test].some((r) => r < 0)) {
    throw new Error("split ratios must be non-negative and not all zero");
  }
  const result = new Map<string, AssignedSplit>();
  for (const ordered of seededStrata(items, seed)) {
    const quota = splitQuotas(ordered.length, ratios);
    ordered.forEach((item, i) => result.set(item.key, i < quota.train ? "train" : i < quota.train + quota.val ? "val" : "test"));
  }
  return result;
}

/**
 * Deterministic stratified k-fold assignment (for cross-validation), by the same strata as
 * stratifiedSplit: each stratum in seeded-hash order is dealt to folds 0 … k-1 in turn, the deal
 * continuing where the previous stratum stopped, so fold sizes differ by at most one and every
 * class with at least k images reaches every fold.
 */
export function stratifiedFolds(items: readonly SplitCandidate[], folds: number, seed: number): Map<string, number> {
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`cross-validation needs at least 2 folds, not ${folds}`);
  const result = new Map<string, number>();
  let next = 0;
  for (const ordered of seededStrata(items, seed)) {
    for (const item of ordered) {
      result.set(item.key, next);
      next = (next + 1) % folds;
    }
  }
  return result;
}

/** Images grouped by the rarest class they contain (images without boxes on their own), rarest first, each group in seeded-hash order. */
function seededStrata(items: readonly SplitCandidate[], seed: number): SplitCandidate[][] {
  const frequency = new Map<string, number>();
  for (const item of items) for (const c of new Set(item.classes)) frequency.set(c, (frequency.get(c) ?? 0) + 1);
  const strata = new Map<string, SplitCandidate[]>();
  for (const item of items) {
    const rarest = [...new Set(item.classes)].sort((a, b) => frequency.get(a)! - frequency.get(b)! || a.localeCompare(b))[0];
    const stratum = rarest ?? "\u0000no-boxes";
    strata.set(stratum, [...(strata.get(stratum) ?? []), item]);
  }
  const order = (name: string) => (frequency.get(name) ?? Number.MAX_SAFE_INTEGER);
  return [...strata.entries()]
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([, members]) => [...members].sort((a, b) => hash32(`${seed}:${a.key}`) - hash32(`${seed}:${b.key}`) || a.key.localeCompare(b.key)));
}

/**
 * How many of n images go to each split: largest-remainder rounding of the ratios, then, from
 * three images up, at least one in every split with a non-zero ratio (taken from the largest).
 */
export function splitQuotas(n: number, ratios: SplitRatios): SplitRatios {
  const names = ["train", "val", "test"] as const;
  const total = ratios.train + ratios.val + ratios.test;
  const exact = names.map((name) => (n * ratios[name]) / total);
  const quota = exact.map(Math.floor);
  const byRemainder = names.map((_, i) => i).sort((a, b) => exact[b]! - quota[b]! - (exact[a]! - quota[a]!) || a - b);
  const missing = n - quota.reduce((x, y) => x + y, 0);
  for (let k = 0; k < missing; k++) quota[byRemainder[k]!]!++;
  if (n >= 3) {
    names.forEach((name, i) => {
      if (ratios[name] > 0 && quota[i] === 0) {
        const largest = quota.indexOf(Math.max(...quota));
        quota[largest]!--;
        quota[i] = 1;
      }
    });
  }
  return { train: quota[0]!, val: quota[1]!, test: quota[2]! };
}

/** FNV-1a: a fast, stable 32-bit string hash (not cryptographic). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
