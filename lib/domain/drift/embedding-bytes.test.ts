import { describe, expect, it } from "vitest";
import { decodeCompactEmbedding, decodeEmbedding, encodeCompactEmbedding, encodeEmbedding } from "./embedding-bytes";

describe("encodeEmbedding / decodeEmbedding", () => {
  it("writes little-endian float32, component 0 first", () => {
    // 1.0 is 0x3F800000 and -2.0 is 0xC0000000; little-endian puts the low byte first.
    expect([...encodeEmbedding([1, -2])]).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
    // 0.5 is 0x3F000000.
    expect([...decodeEmbedding(new Uint8Array([0x00, 0x00, 0x00, 0x3f]))]).toEqual([0.5]);
  });

  it("round-trips float32 values exactly and rounds float64 ones to float32", () => {
    const values = new Float32Array([0, -0, 1.5, -3.25, 1e-30, 3.4e38, 0.1]);
    const decoded = decodeEmbedding(encodeEmbedding(values));
    expect(decoded).toEqual(values);
    expect(Object.is(decoded[1], -0)).toBe(true);
    // 0.1 has no exact float32; it comes back as the nearest one, Math.fround(0.1).
    expect(decodeEmbedding(encodeEmbedding([0.1]))[0]).toBe(Math.fround(0.1));
    expect(decodeEmbedding(encodeEmbedding([]))).toEqual(new Float32Array(0));
  });

  it("reads a view that starts inside a larger buffer (as Node Buffers from a pool do)", () => {
    // Two junk bytes, then 1.0 in little-endian: the offset must be honoured, and an unaligned
    // offset is fine for DataView.
    const pool = new Uint8Array([0xff, 0xff, 0x00, 0x00, 0x80, 0x3f, 0xff]);
    expect([...decodeEmbedding(pool.subarray(2, 6))]).toEqual([1]);
    expect([...decodeEmbedding(Buffer.from(encodeEmbedding([2, 4])))]).toEqual([2, 4]);
  });

  it("rejects a byte length that is not a multiple of 4", () => {
    expect(() => decodeEmbedding(new Uint8Array(6))).toThrow(/4 bytes per component, but got 6/);
  });
});

describe("encodeCompactEmbedding / decodeCompactEmbedding", () => {
  const scaleOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getFloat32(0, true);

  it("is a little-endian float32 scale of maxAbs / 127, then one signed byte per component: 4 + n bytes", () => {
    // maxAbs 2.54 gives scale 0.02: 2.54 → 127, −1.1 → −55, 0.066 → 3 (3.3), 0.011 → 1 (0.55).
    const bytes = encodeCompactEmbedding([2.54, -1.1, 0.066, 0.011]);
    expect(bytes.byteLength).toBe(4 + 4);
    expect(scaleOf(bytes)).toBe(Math.fround(2.54 / 127));
    expect([...new Int8Array(bytes.buffer, 4)]).toEqual([127, -55, 3, 1]);
    expect(encodeCompactEmbedding(new Float32Array(128)).byteLength).toBe(132);
  });

  it("round-trips every component to within scale / 2", () => {
    const vector = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i * 1.7) * (i % 5) - 0.3);
    const bytes = encodeCompactEmbedding(vector);
    const scale = scaleOf(bytes);
    const decoded = decodeCompactEmbedding(bytes);
    expect(decoded).toBeInstanceOf(Float32Array);
    expect(decoded.length).toBe(vector.length);
    // q · scale is rounded to float32 on the way out: that adds at most 2⁻²⁴ of the value.
    vector.forEach((v, i) => expect(Math.abs(decoded[i]! - v)).toBeLessThanOrEqual(scale / 2 + Math.abs(v) * 2 ** -24));
    // The largest component is exact up to that float32 rounding: it maps to ±127.
    const largest = vector.reduce((best, v, i) => (Math.abs(v) > Math.abs(vector[best]!) ? i : best), 0);
    expect(decoded[largest]).toBeCloseTo(vector[largest]!, 6);
  });

  it("stores an all-zero vector with scale 0 and reads it back as zeros", () => {
    const bytes = encodeCompactEmbedding([0, 0, 0]);
    expect([...bytes]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect([...decodeCompactEmbedding(bytes)]).toEqual([0, 0, 0]);
    expect(decodeCompactEmbedding(encodeCompactEmbedding([]))).toEqual(new Float32Array(0));
  });

  it("reads a Buffer that is a window into a larger pool", () => {
    const encoded = encodeCompactEmbedding([1.27, -0.5]);
    const pool = Buffer.alloc(64, 0xff);
    encoded.forEach((byte, i) => (pool[13 + i] = byte));
    const window = pool.subarray(13, 13 + encoded.byteLength);
    expect(window.byteOffset).toBeGreaterThan(0);
    expect([...decodeCompactEmbedding(window)]).toEqual([...decodeCompactEmbedding(encoded)]);
    // Buffer.from of a short array lands in Node's shared pool at some offset, as Prisma's do.
    expect([...decodeCompactEmbedding(Buffer.from(encoded))]).toEqual([...decodeCompactEmbedding(encoded)]);
  });

  it("rejects bytes too short to hold the scale, and components that are not finite", () => {
    expect(() => decodeCompactEmbedding(new Uint8Array(3))).toThrow(/4-byte scale, but got 3 bytes/);
    expect(() => encodeCompactEmbedding([1, Number.NaN])).toThrow(/component 1 is NaN/);
  });
});
