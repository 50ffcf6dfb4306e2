import type { z } from "zod";
import { firstIssue } from "@/lib/domain/validation-message";

/**
 * Where some stored JSON lives (a Prisma Json column, or a JSON blob in the store) and the zod
 * schema of what it holds: reads parse through it and writes are checked against it, so the
 * shape has one home and nothing casts stored JSON.
 */
export interface StoredJsonContract<S extends z.ZodType> {
  /** "Table.column", or what a blob is: named in every error */
  readonly where: string;
  readonly schema: S;
}

export function storedColumn<S extends z.ZodType>(table: string, column: string, schema: S): StoredJsonContract<S> {
  return { where: `${table}.${column}`, schema };
}

export function storedBlob<S extends z.ZodType>(what: string, schema: S): StoredJsonContract<S> {
  return { where: `${what} blob`, schema };
}

/** Stored JSON that does not match its contract: a bug or a corrupt row, so a 500 whose log names the row. */
export class StoredJsonError extends Error {
  constructor(
    readonly where: string,
    /** the row id or blob key read, or "write" for a value about to be stored */
    readonly at: string,
    problem: string,
  ) {
    super(`${where} (${at}) does not match its contract: ${problem}`);
    this.name = "StoredJsonError";
  }
}

/** A stored value as read back (a column of the row `id`, or the blob `id`), parsed; one that does not match throws StoredJsonError. */
export function parseStored<S extends z.ZodType>(contract: StoredJsonContract<S>, value: unknown, id: string): z.output<S> {
  return parseAt(contract, value, id);
}

/** A stored JSON text (a blob) parsed against its contract; text that is not JSON throws StoredJsonError too. */
export function parseStoredText<S extends z.ZodType>(contract: StoredJsonContract<S>, text: string, id: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StoredJsonError(contract.where, id, `not JSON (${(error as Error).message})`);
  }
  return parseAt(contract, value, id);
}

/**
 * JSON as a Json column accepts it: structurally Prisma's InputJsonValue (lib/contracts does not
 * import Prisma). A SQL NULL is written by leaving the column out, never as a JSON null.
 */
export type StoredJson = string | number | boolean | { readonly [key: string]: StoredJson | null } | ReadonlyArray<StoredJson | null>;

/**
 * A value about to be stored, checked against its contract at compile time and again as it runs.
 * It is stored as given: defaults are applied when it is read, so a row keeps what was asked for.
 */
export function toStoredJson<S extends z.ZodType>(contract: StoredJsonContract<S>, value: NonNullable<z.input<S>>): StoredJson {
  parseAt(contract, value, "write");
  // The schema has just checked every value; TypeScript cannot see an interface as JSON (interfaces have no index signature).
  return value as StoredJson;
}

function parseAt<S extends z.ZodType>(contract: StoredJsonContract<S>, value: unknown, at: string): z.output<S> {
  const parsed = contract.schema.safeParse(value);
  if (!parsed.success) throw new StoredJsonError(contract.where, at, firstIssue(parsed.error));
  return parsed.data;
}
