import { describe, expect, it } from "vitest";
import { healthReportSchema } from "./health";
import { AnswerMismatchError, apiErrorSchema, parseAnswer, timestampSchema } from "./json";

const report = {
  status: "degraded",
  database: { ok: true, latencyMs: 0.4 },
  workers: { alive: 0, list: [] },
  checkedAt: new Date("2026-03-01T10:00:00Z").toJSON(),
};

describe("reading an answer through its contract", () => {
  it("gives back the answer when it matches", () => {
    expect(parseAnswer("GET /api/health", healthReportSchema, report)).toEqual(report);
  });

  it("names the endpoint and the first mismatch when it does not", () => {
    const read = () => parseAnswer("GET /api/health", healthReportSchema, { ...report, status: "sleepy" });
    expect(read).toThrow(AnswerMismatchError);
    expect(read).toThrow(/^GET \/api\/health answered in an unexpected shape \(answer\.status: /);
    expect(() => parseAnswer("GET /api/health", healthReportSchema, undefined)).toThrow(AnswerMismatchError);
  });

  it("takes timestamps as Date.toJSON writes them, and nothing looser", () => {
    expect(timestampSchema.safeParse(new Date().toJSON()).success).toBe(true);
    expect(timestampSchema.safeParse("2026-03-01").success).toBe(false);
  });

  it("reads a refusal's message, keeping the fields a route adds to it", () => {
    expect(apiErrorSchema.parse({ error: "stale", current: { version: 2 } })).toEqual({ error: "stale", current: { version: 2 } });
    expect(apiErrorSchema.safeParse({ message: "no" }).success).toBe(false);
  });
});
