import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { databaseUrl, dataDir, port } from "./config";

afterEach(() => vi.unstubAllEnvs());

describe("config", () => {
  it("keeps everything in ./data by default", () => {
    vi.stubEnv("DATA_DIR", undefined);
    vi.stubEnv("DATABASE_URL", undefined);
    expect(dataDir()).toBe(path.resolve("data"));
    expect(databaseUrl()).toBe(`file:${path.resolve("data", "masklab.db")}`);
  });

  it("honours DATA_DIR and DATABASE_URL, resolving relative SQLite paths", () => {
    vi.stubEnv("DATA_DIR", "/srv/masklab");
    vi.stubEnv("DATABASE_URL", undefined);
    expect(databaseUrl()).toBe("file:/srv/masklab/masklab.db");
    vi.stubEnv("DATABASE_URL", "file:./elsewhere/db.sqlite");
    expect(databaseUrl()).toBe(`file:${path.resolve("elsewhere/db.sqlite")}`);
    vi.stubEnv("DATABASE_URL", "postgresql://u@host/masklab");
    expect(databaseUrl()).toBe("postgresql://u@host/masklab");
  });

  it("validates PORT", () => {
    vi.stubEnv("PORT", undefined);
    expect(port()).toBe(3000);
    vi.stubEnv("PORT", "8080");
    expect(port()).toBe(8080);
    for (const bad of ["0", "70000", "http", "80.5"]) {
      vi.stubEnv("PORT", bad);
      expect(() => port()).toThrow(/PORT must be an integer/);
    }
  });
});
