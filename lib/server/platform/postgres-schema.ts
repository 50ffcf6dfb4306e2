/**
 * prisma/schema.prisma is the one schema; a Prisma client is generated for one provider, so
 * PostgreSQL gets a derived copy (prisma/postgresql/schema.prisma, committed) that differs only in
 * its datasource, its client's output folder and this header. schema-drift.test.ts holds them equal.
 */
export const POSTGRES_SCHEMA_PATH = "prisma/postgresql/schema.prisma";

const HEADER =
  "// GENERATED from prisma/schema.prisma by `npm run postgres-schema`; edit that file, not this one.\n" +
  "// Only the datasource provider (and the client's output folder) differ.\n\n";

export function postgresSchemaFrom(sqliteSchema: string): string {
  const replaced = { provider: false, url: false, output: false };
  const body = sqliteSchema
    .replace(/^(\s*provider\s*=\s*)"sqlite"/m, (_, lead: string) => {
      replaced.provider = true;
      return `${lead}"postgresql"`;
    })
    .replace(/^(\s*url\s*=\s*)"file:[^"]*"/m, (_, lead: string) => {
      replaced.url = true;
      return `${lead}"postgresql://localhost/masklab"`;
    })
    .replace(/^(\s*output\s*=\s*)"\.\.\/generated\/prisma"/m, (_, lead: string) => {
      replaced.output = true;
      return `${lead}"../../generated/prisma-postgresql"`;
    });
  const missing = Object.entries(replaced).filter(([, done]) => !done).map(([key]) => key);
  if (missing.length > 0) throw new Error(`prisma/schema.prisma: expected the sqlite ${missing.join(", ")} line(s) to derive the PostgreSQL schema from`);
  return HEADER + body;
}
