/**
 * npm run postgres-schema — rewrites prisma/postgresql/schema.prisma from prisma/schema.prisma.
 * Run it after every schema change, then add a migration to both histories
 * (prisma/postgresql/README.md).
 */
import { readFile, writeFile } from "node:fs/promises";
import { POSTGRES_SCHEMA_PATH, postgresSchemaFrom } from "../../lib/server/platform/postgres-schema";

await writeFile(POSTGRES_SCHEMA_PATH, postgresSchemaFrom(await readFile("prisma/schema.prisma", "utf8")));
console.log(`wrote ${POSTGRES_SCHEMA_PATH}`);
