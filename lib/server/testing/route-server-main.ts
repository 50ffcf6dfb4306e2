/**
 * A web instance for tests, as its own process: the API route handlers over HTTP on PORT, on the
 * database of DATABASE_URL and the blobs of DATA_DIR (lib/server/testing/route-server.ts).
 * Prints "listening <url>" once it answers.
 */
import { migrateDatabase } from "../platform/migrate";
import { startRouteServer } from "./route-server";

await migrateDatabase();
const server = await startRouteServer({ prefix: "api/worker", port: Number(process.env.PORT ?? 0) });
console.log(`listening ${server.url}`);
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
