import { redirect } from "next/navigation";
import { SignInForm } from "@/components/accounts/sign-in-form";
import { safeNextPath } from "@/lib/domain/safe-next-path";
import { currentUser } from "@/app/_server/page-auth";
import { setupNeeded } from "@/lib/server/auth/setup";

export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = (await searchParams).next;
  // Checked once here: both the redirect below and the form's navigation go only where this says.
  const destination = safeNextPath(typeof next === "string" ? next : null);
  if (await currentUser()) redirect(destination);
  const firstRun = await setupNeeded();
  return (
    <>
      <h1>Sign in to Masklab</h1>
      {firstRun ? (
        <p className="error" role="status">
          No account exists yet. Open the one-time setup link that <code>npm start</code> printed in its terminal to create the admin account.
        </p>
      ) : null}
      <SignInForm next={destination} />
      <p className="muted small">Accounts are created by an admin. Forgot your password? Ask an admin to reset it.</p>
    </>
  );
}
