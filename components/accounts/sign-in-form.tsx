"use client";

import { useState } from "react";
import { signIn } from "../api-hooks";
import { safeNextPath } from "@/lib/domain/safe-next-path";

export function SignInForm({ next }: { next: string | null }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await signIn({ email, password });
      // A full navigation, so the server renders the app for the new session.
      window.location.assign(safeNextPath(next));
    } catch (failure) {
      setError((failure as Error).message);
      setPending(false);
    }
  };

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
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
