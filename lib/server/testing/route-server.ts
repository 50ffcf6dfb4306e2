import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { RouteHandler } from "./api-routes";

/**
 * The app's API route handlers (app/api/**\/route.ts) served over real HTTP on loopback with
 * node:http: what tests of remote clients (a training worker on "another machine") talk to
 * without a Next build. Every byte goes through a socket, so cut connections and restarts are real.
 */
export interface RouteServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

interface Route {
  pattern: RegExp;
  names: string[];
  module: Record<string, RouteHandler>;
}

async function loadRoutes(prefix: string): Promise<Route[]> {
  const root = path.resolve("app");
  const files = (await readdir(path.join(root, prefix), { recursive: true })).filter((f) => f.endsWith("route.ts")).map((f) => path.join(root, prefix, f));
  const routes: Route[] = [];
  for (const file of files) {
    const segments = path.relative(root, path.dirname(file)).split(path.sep);
    const names: string[] = [];
    const source = segments.map((segment) => {
      const dynamic = /^\[(\w+)\]$/.exec(segment);
      if (!dynamic) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(dynamic[1]!);
      return "([^/]+)";
    });
    routes.push({ pattern: new RegExp(`^/${source.join("/")}$`), names, module: (await import(file)) as Record<string, RouteHandler> });
  }
  // Static segments before dynamic ones, as Next matches them.
  return routes.sort((a, b) => a.names.length - b.names.length);
}

/** Serves the route handlers under app/<prefix> (default: every API route) on a free loopback port, or `port`. */
export async function startRouteServer(options: { prefix?: string; port?: number } = {}): Promise<RouteServer> {
  const routes = await loadRoutes(options.prefix ?? "api");
  const server = createServer((request, response) => void handle(routes, request, response));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(routes: Route[], incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  try {
    const url = new URL(incoming.url ?? "/", "http://127.0.0.1");
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      const handler = match && route.module[incoming.method ?? "GET"];
      if (!match || !handler) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
      const hasBody = incoming.method !== "GET" && incoming.method !== "HEAD";
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
      const request = new Request(url, {
        method: incoming.method,
        headers,
        body: hasBody ? (Readable.toWeb(incoming) as ReadableStream<Uint8Array>) : undefined,
        duplex: "half",
      } as RequestInit);
      return await send(await handler(request, { params: Promise.resolve(params) }), outgoing);
    }
    outgoing.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "no such route" }));
  } catch (error) {
    if (!outgoing.headersSent) outgoing.writeHead(500, { "content-type": "application/json" });
    outgoing.end(JSON.stringify({ error: (error as Error).message }));
  }
}

async function send(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  outgoing.writeHead(response.status, headers);
  if (response.body) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) outgoing.write(chunk);
  outgoing.end();
}
