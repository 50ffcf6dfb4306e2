import { PUBLIC_API } from "@/lib/contracts/http/public-api";
import { openApiDocument } from "@/lib/contracts/openapi";
import { publicRoute } from "@/lib/server/auth/guard";

export const dynamic = "force-dynamic";

/** GET → the OpenAPI 3.1 description of what API-key holders call, built from the schemas the code runs on. Public, like any API reference. */
export const GET = publicRoute(async () => Response.json(openApiDocument(PUBLIC_API), { headers: { "Cache-Control": "no-store" } }));
