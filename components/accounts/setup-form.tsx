"use client";

import { useState } from "react";
import { PASSWORD_MIN_LENGTH } from "@/lib/domain/account-schema";
import { completeSetup } from "../api-hooks";
import { FormError, useSubmit } from "../use-submit";

/** First run: the person holding the setup link creates the admin account. */
export function SetupForm({ token }: { token: string }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const { pending, error, submit } = useSubmit(
    async () => {
      if (password !== repeat) throw new Error("the two passwords differ");
      return completeSetup({ token, email, name, password });
    },
    () => window.location.assign("/admin/users"),
  );

  return (
    <form className="import-form" onSubmit={submit} aria-label="Create the admin account">
      <label>
        Your name
        <input required autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
      </label>
      <label>
        Email
        <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Password (at least {PASSWORD_MIN_LENGTH} characters)
        <input type="password" autoComplete="new-password" required minLength={PASSWORD_MIN_LENGTH} value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <label>
        Password again
        <input type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
      </label>
      <button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create the admin account"}
      </button>
      <FormError error={error} />
    </form>
  );
}
