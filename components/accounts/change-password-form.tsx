"use client";

import { useState } from "react";
import { PASSWORD_MIN_LENGTH } from "@/lib/domain/account-schema";
import { changePassword } from "../api-hooks";

export function ChangePasswordForm() {
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      await changePassword({ currentPassword, newPassword });
      setMessage({ ok: true, text: "Password changed; your other sessions were signed out." });
      setCurrent("");
      setNew("");
    } catch (failure) {
      setMessage({ ok: false, text: (failure as Error).message });
    }
  };

  return (
    <form className="import-form" onSubmit={submit} aria-label="Change password">
      <h2>Password</h2>
      <label>
        Current password
        <input type="password" autoComplete="current-password" required value={currentPassword} onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <label>
        New password (at least {PASSWORD_MIN_LENGTH} characters)
        <input type="password" autoComplete="new-password" required minLength={PASSWORD_MIN_LENGTH} value={newPassword} onChange={(e) => setNew(e.target.value)} />
      </label>
      <button type="submit">Change password</button>
      {message ? (
        <p className={message.ok ? "muted" : "error"} role={message.ok ? "status" : "alert"}>
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
