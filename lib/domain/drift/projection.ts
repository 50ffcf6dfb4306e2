import { SeededRandom } from "../random";
import type { Vector } from "./embedding";

/**
 * Embeddings are stored per prediction, and the backbone's pooled features are 1024 float32s:
 * 4 KB a row. A random projection to 128 dimensions keeps cosine distances approximately
 * (Johnson–Lindenstrauss), which is all drift monitoring compares.
 */
export const EMBEDDING_DIMENSIONS = 128;

/**
 * Fixed forever: every stored embedding and every baseline must come from the same matrix, or
 * their distances mean nothing. Changing it means recomputing the baselines.
 */
export const EMBEDDING_PROJECTION_SEED = 20_240_917;

/** A linear map from `fromDimensions` to `toDimensions`: `matrix` is row-major, one row per output component. */
export interface RandomProjection {
  fromDimensions: number;
  toDimensions: number;
  matrix: Float32Array;
}

/**
 * A Gaussian random projection with entries N(0, 1/toDimensions), so squared lengths are kept in
 * expectation. The same arguments give the same matrix on every machine (SeededRandom).
 */
export function randomProjection(fromDimensions: number, toDimensions: number, seed: number): RandomProjection {
  if (!Number.isInteger(fromDimensions) || !Number.isInteger(toDimensions) || fromDimensions < 1 || toDimensions < 1) {
    throw new RangeError(`a projection needs positive integer dimensions, got ${fromDimensions} → ${toDimensions}`);
  }
  const random = new SeededRandom(seed);
  const standardDeviation = 1 / Math.sqrt(toDimensions);
  const matrix = new Float32Array(fromDimensions * toDimensions);
  for (let i = 0; i < matrix.length; i += 2) {
    const [a, b] = standardNormalPair(random);
    matrix[i] = a * standardDeviation;
    if (i + 1 < matrix.length) matrix[i + 1] = b * standardDeviation;
  }
  return { fromDimensions, toDimensions, matrix };
}

/** matrix · vector, in float64 before the final rounding to float32. */
export function projectVector(vector: Vector, projection: RandomProjection): Float32Array {
  const { fromDimensions, toDimensions, matrix } = projection;
  if (vector.length !== fromDimensions) {
    throw new RangeError(`the projection takes ${fromDimensions}-dimensional vectors, got ${vector.length}`);
  }
  const projected = new Float32Array(toDimensions);
  for (let row = 0; row < toDimensions; row++) {
    let sum = 0;
    const offset = row * fromDimensions;
    for (let j = 0; j < fromDimensions; j++) sum += matrix[offset + j]! * vector[j]!;
    projected[row] = sum;
  }
  return projected;
}

/** Box–Muller: two independent N(0, 1) from two uniforms (SeededRandom gives only uniforms). */
function standardNormalPair(random: SeededRandom): [number, number] {
  const radius = Math.sqrt(-2 * Math.log(1 - random.next())); // 1 − u is in (0, 1]: no log(0)
  const angle = 2 * Math.PI * random.next();
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}
