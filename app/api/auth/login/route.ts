import { loginSchema } from "@/lib/domain/account-schema";
import { publicRoute } from "@/lib/server/auth/guard";
import { login } from "@/lib/server/auth/login";
import { sessionCookies } from "@/lib/server/auth/sessions";
import { jsonError, readJson } from "@/lib/server/platform/http";

export const dynamic = "force-dynamic";

/** POST { email, password } → 200 { user } with the session cookies | 401 | 429 (Retry-After). */
export const POST = publicRoute(async (request, { ip }) => {
  const input = await readJson(request, loginSchema, 4096);
  const result = await login(input.email, input.password, ip);
  if (!result.ok) {
    return jsonError(result.status, result.error, {}, result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : {});
  }
  const response = Response.json({ user: result.user }, { headers: { "Cache-Control": "no-store" } });
  for (const cookie of sessionCookies(request, result.token, result.expiresAt)) response.headers.append("Set-Cookie", cookie);
  return response;
});
