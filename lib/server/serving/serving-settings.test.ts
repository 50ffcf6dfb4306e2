import os from "node:os";
import { describe, expect, it } from "vitest";
import { servingSettings } from "./serving-settings";

describe("serving settings", () => {
  it("default to one thread per core and 8 waiting requests per thread", () => {
    const cores = os.availableParallelism();
    expect(servingSettings({}, {})).toEqual({ threads: cores, queueLimit: 8 * cores, timeoutMs: 60_000 });
    expect(servingSettings({}, { SERVE_THREADS: "3", SERVE_TIMEOUT_SECONDS: "5" })).toEqual({ threads: 3, queueLimit: 24, timeoutMs: 5_000 });
    expect(servingSettings({ threads: 1 }, { SERVE_THREADS: "3", SERVE_QUEUE_LIMIT: "5" })).toEqual({ threads: 1, queueLimit: 5, timeoutMs: 60_000 });
  });

  it("refuse a value that is not a positive whole number, in words", () => {
    expect(() => servingSettings({}, { SERVE_THREADS: "0" })).toThrow('SERVE_THREADS must be a positive whole number, not "0"');
    expect(() => servingSettings({}, { SERVE_QUEUE_LIMIT: "lots" })).toThrow(/SERVE_QUEUE_LIMIT/);
  });
});
