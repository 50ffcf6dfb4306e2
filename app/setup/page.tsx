import Link from "next/link";
import { SetupForm } from "@/components/accounts/setup-form";
import { setupNeeded } from "@/lib/server/auth/setup";

export const dynamic = "force-dynamic";

/** First run only: the one-time link printed by `npm start` leads here. */
export default async function SetupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = (await searchParams).token;
  if (!(await setupNeeded())) {
    return (
      <>
        <h1>Masklab is set up</h1>
        <p>
          An admin account exists already. <Link href="/login">Sign in</Link>.
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Welcome to Masklab</h1>
      {typeof token === "string" ? (
        <>
          <p>Create the admin account. The admin creates everyone else&apos;s accounts and gives them roles.</p>
          <SetupForm token={token} />
        </>
      ) : (
        <p className="error" role="alert">
          This page needs the one-time setup link that <code>npm start</code> printed in its terminal.
        </p>
      )}
    </>
  );
}
