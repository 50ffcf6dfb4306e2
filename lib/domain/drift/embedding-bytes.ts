import type { Vector } from "./embedding";

/**
 * The stored form of an embedding (Prisma `Bytes`: Prediction.embedding, Baseline.embeddingMean):
 * 4 bytes per component, IEEE-754 float32, little-endian, component 0 first, no header. Written
 * through DataView so the byte order is fixed whatever the machine's own order is. Components
 * are rounded to the nearest float32 (a float64 mean loses precision beyond ~7 digits).
 */
export function encodeEmbedding(vector: Vector): Uint8Array {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i]!, true);
  return bytes;
}

/**
 * Inverse of `encodeEmbedding`. Honours the view's byteOffset, because a Node Buffer (what Prisma
 * returns) is often a window into a larger shared pool.
 */
export function decodeEmbedding(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new RangeError(`an embedding is 4 bytes per component, but got ${bytes.byteLength} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, true);
  return vector;
}

/**
 * The compact stored form of an embedding: 4 + n bytes for n components, a quarter of the
 * float32 form. Layout: a float32 little-endian `scale` = maxAbs / 127 (0 for an all-zero
 * vector), then one signed byte q_i = round(v_i / scale) per component, component 0 first; a
 * component reads back as q_i · scale, off by at most scale / 2. Cosine distances of 128-d
 * embeddings barely notice that (drift compares means, which average the rounding further).
 */
export function encodeCompactEmbedding(vector: Vector): Uint8Array {
  let maxAbs = 0;
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i]!;
    if (!Number.isFinite(value)) throw new RangeError(`embedding component ${i} is ${value}, not a finite number`);
    maxAbs = Math.max(maxAbs, Math.abs(value));
  }
  const bytes = new Uint8Array(4 + vector.length);
  const view = new DataView(bytes.buffer);
  view.setFloat32(0, maxAbs / 127, true);
  // Divide by the scale as stored (float32), so decoding multiplies by exactly the same number.
  const scale = view.getFloat32(0, true);
  const components = new Int8Array(bytes.buffer, 4);
  if (scale > 0) for (let i = 0; i < vector.length; i++) components[i] = Math.round(vector[i]! / scale);
  return bytes;
}

/** Inverse of `encodeCompactEmbedding`; honours the view's byteOffset (a Node Buffer from a pool). */
export function decodeCompactEmbedding(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength < 4) {
    throw new RangeError(`a compact embedding starts with a 4-byte scale, but got ${bytes.byteLength} bytes`);
  }
  const scale = new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
  const components = new Int8Array(bytes.buffer, bytes.byteOffset + 4, bytes.byteLength - 4);
  return Float32Array.from(components, (q) => q * scale);
}
