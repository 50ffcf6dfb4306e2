"use client";

import { useState } from "react";
import { API_KEY_SCOPES, type ApiKeyScope } from "@/lib/domain/permissions";
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from "../api-hooks";
import { FormError } from "../use-submit";

const SCOPE_HELP: Record<ApiKeyScope, string> = {
  predict: "call the prediction API",
  export: "download dataset exports",
};

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
          {API_KEY_SCOPES.map((scope) => (
            <label key={scope}>
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) => setScopes((s) => (e.target.checked ? [...s, scope] : s.filter((x) => x !== scope)))}
              />{" "}
              {scope}: <span className="muted small">{SCOPE_HELP[scope]}</span>
            </label>
          ))}
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
              <td>{key.scopes}</td>
              <td className="small">{key.createdBy.email}</td>
              <td className="small">{key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : "never"}</td>
              <td>{key.revokedAt ? "revoked" : "active"}</td>
              <td>
                {key.revokedAt ? null : (
                  <button type="button" className="link" onClick={() => revoke.mutate(key.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
