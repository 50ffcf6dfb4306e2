import { randomUUID } from "node:crypto";
import { can, type Permission } from "@/lib/domain/permissions";
import { DomainError } from "../platform/errors";
import { jsonError } from "../platform/http";
import { checkApiKey } from "./api-keys";
import { CSRF_HEADER, csrfTokenFor, findSession, sessionCookies, sessionTokenFromCookieHeader, type SessionUser } from "./sessions";
import { safeEqual } from "./tokens";

/** Who is making a request: a signed-in person, or a machine client holding an API key. */
export type Actor = { kind: "user"; user: SessionUser; sessionId: string; token: string } | { kind: "apiKey"; keyId: string; createdById: string };

export function actorUserId(actor: Actor): string {
  return actor.kind === "user" ? actor.user.id : actor.createdById;
}

export interface GuardContext<P> {
  params: P;
  actor: Actor;
  ip: string | null;
}

type RouteContext<P> = { params: Promise<P> };
type RouteHandler<P> = (request: Request, context: RouteContext<P>) => Promise<Response>;

/** What each exported route method is protected by; a test checks every route declares one. */
export const ACCESS = Symbol.for("masklab.routeAccess");
export type RouteAccess = { permission: Permission; apiKey: boolean } | { public: true };
type MarkedHandler<P> = RouteHandler<P> & { [ACCESS]: RouteAccess };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Wraps a route handler: authenticates (session cookie, or `Authorization: Bearer` API key when
 * `apiKey` is set and the key's scopes cover the permission), checks the permission (401 / 403),
 * requires the CSRF token and a same-origin Origin on state-changing cookie requests, rotates
 * the session token when due, and turns unexpected errors into a bare 500 with a reference
 * (the stack goes to the server log, never to the client).
 */
export function guarded<P = Record<string, never>>(
  permission: Permission,
  handler: (request: Request, context: GuardContext<P>) => Promise<Response>,
  options: { apiKey?: boolean } = {},
): MarkedHandler<P> {
  const wrapped = async (request: Request, context: RouteContext<P>): Promise<Response> =>
    respondSafely(async () => {
      const ip = clientIp(request);
      const bearer = bearerToken(request);
      if (bearer !== undefined) {
        if (!options.apiKey) return jsonError(401, "API keys are not accepted here; sign in instead");
        const key = await checkApiKey(bearer, permission);
        if (!key.ok) return jsonError(key.status, key.error);
        return handler(request, { params: await context.params, actor: { kind: "apiKey", keyId: key.keyId, createdById: key.createdById }, ip });
      }
      const token = sessionTokenFromCookieHeader(request.headers.get("cookie"));
      const session = token ? await findSession(token, { rotate: true }) : null;
      if (!session) return jsonError(401, "sign in first");
      if (!SAFE_METHODS.has(request.method)) {
        const problem = crossSiteProblem(request, session.token);
        if (problem) return jsonError(403, problem);
      }
      if (!can(session.user.role, permission)) return jsonError(403, `your role (${session.user.role}) may not do this`);
      const response = await handler(request, {
        params: await context.params,
        actor: { kind: "user", user: session.user, sessionId: session.sessionId, token: session.token },
        ip,
      });
      if (session.rotatedToken) for (const cookie of sessionCookies(request, session.rotatedToken)) response.headers.append("Set-Cookie", cookie);
      return response;
    });
  return Object.assign(wrapped, { [ACCESS]: { permission, apiKey: options.apiKey ?? false } as RouteAccess });
}

/** A route anyone may call (health, sign-in, first-run setup); state changes still need a same-origin Origin. */
export function publicRoute<P = Record<string, never>>(handler: (request: Request, context: { params: P; ip: string | null }) => Promise<Response>): MarkedHandler<P> {
  const wrapped = async (request: Request, context: RouteContext<P>): Promise<Response> =>
    respondSafely(async () => {
      if (!SAFE_METHODS.has(request.method) && !sameOrigin(request)) return jsonError(403, "cross-site request refused");
      return handler(request, { params: await context.params, ip: clientIp(request) });
    });
  return Object.assign(wrapped, { [ACCESS]: { public: true } as RouteAccess });
}

/**
 * The one responder of every API route: a DomainError becomes its status, message, details and
 * headers, anything else a bare 500 with a reference; and no response is stored by a browser or
 * proxy unless its route said how (immutable bytes such as thumbnails and model files do), so
 * signed-in data never outlives the session in a cache.
 */
async function respondSafely(run: () => Promise<Response>): Promise<Response> {
  return noStoreByDefault(await answer(run));
}

async function answer(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DomainError) return jsonError(error.status, error.message, error.details, error.headers);
    const reference = randomUUID().slice(0, 8);
    console.error(`[${reference}]`, error);
    return jsonError(500, "internal error", { reference });
  }
}

function noStoreByDefault(response: Response): Response {
  if (response.headers.has("cache-control")) return response;
  try {
    response.headers.set("Cache-Control", "no-store");
    return response;
  } catch {
    // Immutable headers (a redirect or a fetched response): copy them into a new response.
    const headers = new Headers(response.headers);
    headers.set("Cache-Control", "no-store");
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1] : "";
}

/** Why a state-changing cookie request looks forged, or null when it is fine. */
function crossSiteProblem(request: Request, sessionToken: string): string | null {
  if (!sameOrigin(request)) return "cross-site request refused";
  const presented = request.headers.get(CSRF_HEADER);
  if (!presented || !safeEqual(presented, csrfTokenFor(sessionToken))) return "missing or invalid CSRF token: reload the page";
  return null;
}

/**
 * Browsers send Origin on every cross-origin and every non-GET request; when present it must name
 * this host. Clients that send none (curl, scripts) are held to the CSRF token instead.
 */
function sameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return request.headers.get("sec-fetch-site") !== "cross-site";
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? new URL(request.url).host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * The client address for rate limits and the audit log. Next.js fills X-Forwarded-For with the
 * socket address only when the request has none, so without a proxy a client can choose it: with
 * TRUST_PROXY=true (a reverse proxy in front appends the real address) the last hop is used;
 * otherwise the header as received. Per-account and global login limits do not depend on it.
 */
export function clientIp(request: Request): string | null {
  const forwarded = request.headers.get("x-forwarded-for");
  if (!forwarded) return null;
  const ip = process.env.TRUST_PROXY === "true" ? (forwarded.split(",").map((hop) => hop.trim()).filter(Boolean).at(-1) ?? null) : forwarded.trim();
  return ip ? ip.slice(0, 64) : null;
}
