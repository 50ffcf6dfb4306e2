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
