import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { can, type Permission } from "@/lib/domain/permissions";
import { safeNextPath } from "@/lib/domain/safe-next-path";
import { findSession, SESSION_COOKIE, type SessionUser } from "@/lib/server/auth/sessions";

/** The signed-in person of this page request, looked up once per render (layout and page share it). */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  return (await findSession(token))?.user ?? null;
});

/**
 * The first line of every protected page: signed out → the sign-in page (coming back here
 * afterwards); signed in without the permission → the "not allowed" page.
 */
export async function requirePageUser(permission: Permission = "data.view"): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) {
    const path = safeNextPath((await headers()).get("x-masklab-path"));
    redirect(`/login?next=${encodeURIComponent(path)}`);
  }
  if (!can(user.role, permission)) redirect(`/forbidden?need=${encodeURIComponent(permission)}`);
  return user;
}
