import { describe, expect, it } from "vitest";
import { decodeEmbedding, encodeEmbedding } from "./embedding-bytes";

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
