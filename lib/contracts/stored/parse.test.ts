import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseStored, parseStoredText, storedBlob, storedColumn, StoredJsonError, toStoredJson } from "./parse";

const counts = storedColumn("Example", "counts", z.object({ added: z.number().int(), label: z.string().default("none") }));

describe("parseStored", () => {
  it("returns the value a row holds, parsed (defaults applied)", () => {
    expect(parseStored(counts, { added: 3 }, "row-1")).toEqual({ added: 3, label: "none" });
  });

  it("throws a StoredJsonError naming the table, column, row and first problem", () => {
    const read = () => parseStored(counts, { added: "three" }, "row-1");
    expect(read).toThrow(StoredJsonError);
    expect(read).toThrow(/^Example\.counts \(row-1\) does not match its contract: added: .*expected number/);
  });
});

describe("parseStoredText", () => {
  const index = storedBlob("example index", z.object({ files: z.record(z.string(), z.string()) }));

  it("parses a stored JSON text", () => {
    expect(parseStoredText(index, '{"files":{"a":"k1"}}', "key-1")).toEqual({ files: { a: "k1" } });
  });

  it("names the blob when the text is not JSON, or not the contract's shape", () => {
    expect(() => parseStoredText(index, "{not json", "key-1")).toThrow(/^example index blob \(key-1\) does not match its contract: not JSON/);
    expect(() => parseStoredText(index, '{"files":[]}', "key-1")).toThrow(/^example index blob \(key-1\) does not match its contract: files: /);
  });
});

describe("toStoredJson", () => {
  it("stores the value as given: defaults are applied when it is read back", () => {
    expect(toStoredJson(counts, { added: 3 })).toEqual({ added: 3 });
  });

  it("refuses a value that breaks the contract before it reaches the database", () => {
    expect(() => toStoredJson(counts, { added: 1.5 })).toThrow(/^Example\.counts \(write\) does not match its contract: added: /);
  });
});
