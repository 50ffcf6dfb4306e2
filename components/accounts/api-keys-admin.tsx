"use client";

import Link from "next/link";
import { useState } from "react";
import { API_KEY_PAGE_SCOPES, parseScopes, type ApiKeyScope } from "@/lib/domain/permissions";
import { API_KEY_SCOPE_WORDS, API_KEY_STATE_WORDS } from "@/lib/presentation/account-words";
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from "../api-hooks";
import { EmptyState } from "../empty-state";
import { Checkbox } from "../ui/checkbox";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { StatePill } from "../ui/state-pill";
import { Time } from "../ui/time";
import { FormError } from "../use-submit";

/** ML leads create scoped keys for machine clients (shown once, stored hashed) and revoke them. */
export function ApiKeysAdmin() {
  const keys = useApiKeys();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>(["predict"]);

  return (
    <>
      <form
        className="import-form"
        aria-label="Create an API key"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ name, scopes }, { onSuccess: () => setName("") });
        }}
      >
        <label>
          Key name (what uses it)
          <input required value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="e.g. kiosk-camera-3" />
        </label>
        <fieldset>
          <legend>Scopes</legend>
          {API_KEY_PAGE_SCOPES.map((scope) => (
            <Checkbox
              key={scope}
              checked={scopes.includes(scope)}
              onCheckedChange={(checked) => setScopes((s) => (checked ? [...s, scope] : s.filter((x) => x !== scope)))}
              label={
                <>
                  {API_KEY_SCOPE_WORDS[scope].label}: <span className="muted small">{API_KEY_SCOPE_WORDS[scope].help}</span>
                </>
              }
            />
          ))}
          <p className="muted small">
            A remote training worker signs in with a worker token instead: those are made on the <Link href="/workers">Workers</Link> page.
          </p>
        </fieldset>
        <button type="submit" disabled={create.isPending || scopes.length === 0}>
          Create key
        </button>
        <FormError error={create.error?.message ?? null} />
        {create.data ? (
          <div role="status">
            <p>Copy this key now: it is shown only once.</p>
            <code data-testid="new-api-key">{create.data.key}</code>
            <p className="muted small">
              Use it as <code>Authorization: Bearer &lt;key&gt;</code>.
            </p>
          </div>
        ) : null}
      </form>
      <h2>Keys</h2>
      <FormError error={revoke.error?.message ?? null} />
      {keys.data && keys.data.length === 0 ? (
        <EmptyState title="No API keys yet">Create one above for each machine client, so each can be revoked on its own.</EmptyState>
      ) : (
        <table className="table" aria-label="API keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Scopes</th>
              <th>Created by</th>
              <th>Last used</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(keys.data ?? []).map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>mk_{key.prefix}_…</code>
                </td>
                <td>{parseScopes(key.scopes).map((scope) => API_KEY_SCOPE_WORDS[scope].label).join(", ")}</td>
                <td className="small">{key.createdBy.email}</td>
                <td className="small">{key.lastUsedAt ? <Time value={key.lastUsedAt} relative /> : "never"}</td>
                <td>
                  <StatePill word={API_KEY_STATE_WORDS[key.revokedAt ? "revoked" : "active"]} />
                </td>
                <td>
                  {key.revokedAt ? null : (
                    <ConfirmDialog
                      trigger={
                        <button type="button" className="link">
                          Revoke
                        </button>
                      }
                      title={`Revoke the key “${key.name}”?`}
                      description={<p>Every client using it is refused from its next request on. A revoked key cannot be restored; the client needs a new key.</p>}
                      confirmLabel="Revoke"
                      destructive
                      onConfirm={() => revoke.mutate(key.id)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
