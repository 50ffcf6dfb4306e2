import { SeededRandom } from "../random";

/**
 * Embedding drift: how far the mean embedding of a window of predictions has moved from the mean
 * embedding of the reference, as a cosine distance, against a threshold bootstrapped from the
 * reference itself. All arithmetic is in float64, whatever the input type.
 */
export type Vector = Float32Array | Float64Array | readonly number[];

/**
 * Cosine distance 1 − a·b / (|a|·|b|), in [0, 2]: 0 for the same direction, 1 for orthogonal,
 * 2 for opposite. Rounding can push the quotient just past ±1, so the result is clamped to
 * [0, 2]. A zero vector has no direction, so it is an error (pooled features that are all zero
 * mean the model or the logging is broken, not that nothing drifted).
 */
export function cosineDistance(a: Vector, b: Vector): number {
  assertSameDimension(a.length, b.length);
  if (a.length === 0) throw new RangeError("cannot compare empty vectors");
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  if (normA === 0 || normB === 0) throw new RangeError("cosine distance is undefined for a zero vector");
  return Math.min(2, Math.max(0, 1 - dot / (Math.sqrt(normA) * Math.sqrt(normB))));
}

/**
 * A running sum of vectors with their count: the mergeable form of a mean, so a worker can
 * aggregate a window in chunks (or in parallel) and take the mean at the end: mean = sum / count.
 */
export interface VectorSum {
  sum: number[];
  count: number;
}

/** Σ v over `vectors` (all of one dimension), with their count; no vectors give { sum: [], count: 0 }. */
export function sumVectors(vectors: Iterable<Vector>): VectorSum {
  let sum: number[] | undefined;
  let count = 0;
  for (const vector of vectors) {
    sum ??= new Array<number>(vector.length).fill(0);
    assertSameDimension(sum.length, vector.length);
    for (let i = 0; i < sum.length; i++) sum[i]! += vector[i]!;
    count++;
  }
  return { sum: sum ?? [], count };
}

/** The sum of two partial sums (of the same dimension). */
export function mergeVectorSums(a: VectorSum, b: VectorSum): VectorSum {
  if (a.count === 0) return { sum: [...b.sum], count: b.count };
  if (b.count === 0) return { sum: [...a.sum], count: a.count };
  assertSameDimension(a.sum.length, b.sum.length);
  return { sum: a.sum.map((s, i) => s + b.sum[i]!), count: a.count + b.count };
}

/** mean_i = sum_i / count; an error for a count of 0. */
export function meanFromSum({ sum, count }: VectorSum): number[] {
  if (count === 0) throw new RangeError("no vectors to average");
  return sum.map((s) => s / count);
}

/** The element-wise mean (1/n)·Σ v of one or more vectors of one dimension. */
export function meanVector(vectors: Iterable<Vector>): number[] {
  return meanFromSum(sumVectors(vectors));
}

export interface BootstrapOptions {
  /** Size of each simulated window; use the size of the windows being judged. */
  windowSize: number;
  /** Number of simulated windows (default 200). */
  samples?: number;
  /** Quantile of the simulated distances taken as the threshold, 0 < q ≤ 1 (default 0.95). */
  quantile?: number;
  /** Seed for SeededRandom, so the same reference always gives the same threshold. */
  seed: number;
}

export interface BootstrapResult {
  /** The `quantile`-th simulated distance (nearest rank). */
  threshold: number;
  /** All simulated distances, ascending (the Baseline's stored bootstrap distribution). */
  distances: number[];
  /** Mean of the reference vectors, the point every window is compared with. */
  referenceMean: number[];
}

/**
 * How far a window's mean embedding strays from the reference mean by chance alone. With m the
 * mean of the n reference vectors: `samples` times, draw `windowSize` vectors uniformly with
 * replacement from the reference (SeededRandom(seed), each draw ⌊u·n⌋ for u uniform in [0, 1)),
 * and record d = cosineDistance(m, mean of the draw). The threshold is the nearest-rank quantile
 * of the sorted distances d_(1) ≤ … ≤ d_(S): d_(⌈q·S⌉), e.g. the 190th of 200 for q = 0.95.
 * The spread shrinks as windows grow (about 1/√windowSize), so bootstrap with the window size
 * that will be judged.
 */
export function bootstrapThreshold(referenceVectors: readonly Vector[], options: BootstrapOptions): BootstrapResult {
  const { windowSize, seed } = options;
  const samples = options.samples ?? 200;
  const quantile = options.quantile ?? 0.95;
  if (!Number.isInteger(windowSize) || windowSize < 1) {
    throw new RangeError(`windowSize must be a positive integer, got ${windowSize}`);
  }
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`samples must be a positive integer, got ${samples}`);
  if (!(quantile > 0 && quantile <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${quantile}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (referenceVectors.length === 0) throw new RangeError("the reference has no vectors to bootstrap from");

  const referenceMean = meanVector(referenceVectors);
  const rng = new SeededRandom(seed);
  const n = referenceVectors.length;
  const distances: number[] = [];
  for (let s = 0; s < samples; s++) {
    // Cosine distance ignores length, so the draw's sum stands in for its mean.
    const draw = new Array<number>(referenceMean.length).fill(0);
    for (let k = 0; k < windowSize; k++) {
      const vector = referenceVectors[Math.floor(rng.next() * n)]!;
      for (let i = 0; i < draw.length; i++) draw[i]! += vector[i]!;
    }
    distances.push(cosineDistance(referenceMean, draw));
  }
  distances.sort((a, b) => a - b);
  // The tolerance keeps q·S = 7.000000000000001 (0.07 · 100) from counting as rank 8.
  const rank = Math.max(1, Math.ceil(quantile * samples - 1e-9));
  return { threshold: distances[rank - 1]!, distances, referenceMean };
}

function assertSameDimension(a: number, b: number): void {
  if (a !== b) throw new RangeError(`vectors have different dimensions: ${a} and ${b}`);
}
