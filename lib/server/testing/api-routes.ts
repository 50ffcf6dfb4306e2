import { readdir } from "node:fs/promises";
import path from "node:path";
import { ACCESS, type RouteAccess } from "../auth/guard";

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type RouteHandler = ((request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>) & { [ACCESS]?: RouteAccess };

export interface ApiRoute {
  /** "GET /api/images/[id]/comments" */
  key: string;
  method: string;
  /** the path pattern, "/api/images/[id]/comments" */
  pattern: string;
  url: string;
  params: Record<string, string>;
  handler: RouteHandler;
}

/**
 * Every exported method of every route module under app/api, with its dynamic segments filled by
 * `paramFor(name, pattern)`: what the tests that hold for all routes walk.
 */
export async function discoverRoutes(paramFor: (name: string, pattern: string) => string): Promise<ApiRoute[]> {
  const root = path.resolve("app");
  const files = (await readdir(path.join(root, "api"), { recursive: true })).filter((f) => f.endsWith("route.ts")).map((f) => path.join(root, "api", f));
  const routes: ApiRoute[] = [];
  for (const file of files) {
    const pattern = "/" + path.relative(root, path.dirname(file)).split(path.sep).join("/");
    const params: Record<string, string> = {};
    const url = pattern.replace(/\[(\w+)\]/g, (_, name: string) => (params[name] = paramFor(name, pattern)));
    const module = (await import(file)) as Record<string, RouteHandler>;
    for (const method of METHODS) {
      if (module[method]) routes.push({ key: `${method} ${pattern}`, method, pattern, url: `http://localhost${url}`, params, handler: module[method] });
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}
