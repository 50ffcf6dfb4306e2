"use client";

import { useState } from "react";
import { PASSWORD_MIN_LENGTH } from "@/lib/domain/account-schema";
import { isRole, ROLE_LABELS, ROLES, type Role } from "@/lib/domain/permissions";
import { ACCOUNT_STATE_WORDS } from "@/lib/presentation/account-words";
import { useCreateUser, useUpdateUser, useUsers } from "../api-hooks";
import { Select } from "../ui/select";
import { StatePill } from "../ui/state-pill";
import { Time } from "../ui/time";
import { FormError } from "../use-submit";

const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

/** Admins create accounts, change roles, disable people and reset passwords. */
export function UsersAdmin({ selfId }: { selfId: string }) {
  const users = useUsers();
  const update = useUpdateUser();
  const [resetting, setResetting] = useState<string | null>(null);
  const [newPassword, setNewPassword] = useState("");

  return (
    <>
      <CreateUserForm />
      <h2>Accounts</h2>
      <FormError error={update.error?.message ?? null} />
      {users.isLoading ? <p className="muted">loading…</p> : null}
      <table className="table" aria-label="Accounts">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Last sign-in</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(users.data ?? []).map((user) => (
            <tr key={user.id}>
              <td>
                {user.name}
                {user.id === selfId ? <span className="muted small"> (you)</span> : null}
              </td>
              <td>{user.email}</td>
              <td>
                <Select aria-label={`Role of ${user.email}`} value={user.role} onValueChange={(role) => isRole(role) && update.mutate({ id: user.id, role })} options={ROLE_OPTIONS} />
              </td>
              <td className="small">{user.lastLoginAt ? <Time value={user.lastLoginAt} relative /> : "never"}</td>
              <td>
                <StatePill word={ACCOUNT_STATE_WORDS[user.disabledAt ? "disabled" : "active"]} />
              </td>
              <td>
                <button type="button" className="link" onClick={() => update.mutate({ id: user.id, disabled: !user.disabledAt })}>
                  {user.disabledAt ? "Enable" : "Disable"}
                </button>
                <button type="button" className="link" onClick={() => setResetting(resetting === user.id ? null : user.id)}>
                  Reset password
                </button>
                {resetting === user.id ? (
                  <form
                    onSubmit={(event) => {
                      event.preventDefault();
                      update.mutate({ id: user.id, password: newPassword }, { onSuccess: () => setResetting(null) });
                      setNewPassword("");
                    }}
                  >
                    <input
                      type="password"
                      aria-label={`New password for ${user.email}`}
                      autoComplete="new-password"
                      minLength={PASSWORD_MIN_LENGTH}
                      required
                      value={newPassword}
                      onChange={(e) => setNewPassword(e.target.value)}
                    />
                    <button type="submit">Set</button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">Any change signs the person out everywhere, so a new role or password applies at once. The last admin can be neither demoted nor disabled.</p>
    </>
  );
}

function CreateUserForm() {
  const create = useCreateUser();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("annotator");
  const [password, setPassword] = useState("");

  return (
    <form
      className="import-form"
      aria-label="Create an account"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate(
          { email, name, role, password },
          {
            onSuccess: () => {
              setEmail("");
              setName("");
              setPassword("");
            },
          },
        );
      }}
    >
      <h2>New account</h2>
      <label>
        Name
        <input required value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
      </label>
      <label>
        Email
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <Select label="Role" value={role} onValueChange={(next) => isRole(next) && setRole(next)} options={ROLE_OPTIONS} />
      <label>
        Initial password (tell it to the person; they can change it under their name)
        <input type="password" autoComplete="new-password" required minLength={PASSWORD_MIN_LENGTH} value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <button type="submit" disabled={create.isPending}>
        Create account
      </button>
      <FormError error={create.error?.message ?? null} />
      {create.isSuccess ? <p role="status">Account created.</p> : null}
    </form>
  );
}
