import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

// PostgreSQL catalog types the migration engine reads (pg_namespace.nspname is `name`, relkind is
// `"char"`) but @prisma/adapter-pg 6.19 does not map (prisma/orm#27403); both arrive as strings.
const CATALOG_TEXT_TYPES = new Set([18, 19]);
const TEXT = 25;

/**
 * The adapter `prisma migrate` runs on (prisma.config.ts): PrismaPg over a pool whose clients
 * report those catalog columns as text. The app's own queries never read them.
 */
export function postgresMigrateAdapter(connectionString: string): PrismaPg {
  const pool = new pg.Pool({ connectionString, idleTimeoutMillis: 100 });
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      // pool.query passes a callback; the adapter's transactions await a promise.
      const callback = args.at(-1);
      if (typeof callback === "function") {
        return query(...args.slice(0, -1), (error: Error | null, result: pg.QueryResult) => callback(error, error ? result : asText(result)));
      }
      const result = query(...args);
      return result instanceof Promise ? result.then(asText) : result;
    };
  });
  return new PrismaPg(pool, { disposeExternalPool: true });
}

function asText(result: pg.QueryResult): pg.QueryResult {
  for (const field of result?.fields ?? []) if (CATALOG_TEXT_TYPES.has(field.dataTypeID)) field.dataTypeID = TEXT;
  return result;
}
