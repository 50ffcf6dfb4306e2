"use client";

import { useState } from "react";
import { signIn } from "../api-hooks";
import { FormError, useSubmit } from "../use-submit";

/** `next`: where to go once signed in, already checked by safeNextPath (the login page does). */
export function SignInForm({ next }: { next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  // A full navigation after signing in, so the server renders the app for the new session.
  const { pending, error, submit } = useSubmit(() => signIn({ email, password }), () => window.location.assign(next));

  return (
    <form className="import-form" onSubmit={submit} aria-label="Sign in">
      <label>
        Email
        <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Password
        <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <button type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <FormError error={error} />
    </form>
  );
}
