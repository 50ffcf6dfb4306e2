"use client";

import { useState } from "react";
import type { CreatedWorkerToken, WorkerTokenRow } from "@/lib/contracts/http/worker-tokens";
import { API_KEY_STATE_WORDS } from "@/lib/presentation/account-words";
import { useCreateWorkerToken, useRevokeWorkerToken, useWorkerTokens } from "../api-hooks";
import { EmptyState } from "../empty-state";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { StatePill } from "../ui/state-pill";
import { Time } from "../ui/time";
import { FormError } from "../use-submit";
import { CopyButton } from "./copy-button";
import styles from "./workers.module.css";

/** The command a remote worker machine runs with a new token, against the server this page came from. */
export function workerCommand(origin: string, token: string): string {
  return `npm run worker -- --server ${origin} --token ${token}`;
}

/**
 * ML leads and admins make a worker token per worker machine (shown once, with the command to run;
 * stored hashed) and revoke it, which stops the worker using it within one lease.
 */
export function WorkerTokensAdmin() {
  const tokens = useWorkerTokens();
  const create = useCreateWorkerToken();
  const revoke = useRevokeWorkerToken();
  const [name, setName] = useState("");

  return (
    <section aria-labelledby="worker-tokens-heading" className={styles.tokens}>
      <h2 id="worker-tokens-heading">Worker tokens</h2>
      <p className="muted">
        A training worker on another machine signs in with a worker token: it may claim training jobs and report on them, nothing else. Make one per machine, so
        each can be revoked on its own.
      </p>
      <form
        className="import-form"
        aria-label="Create a worker token"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ name }, { onSuccess: () => setName("") });
        }}
      >
        <label>
          Token name (the machine that uses it)
          <input required value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="e.g. gpu-box-lab-2" />
        </label>
        <button type="submit" disabled={create.isPending}>
          Create worker token
        </button>
        <FormError error={create.error?.message ?? null} />
      </form>
      {create.data ? <ShownOnce created={create.data} /> : null}
      <h3>Tokens</h3>
      <FormError error={revoke.error?.message ?? tokens.error?.message ?? null} />
      {tokens.data && tokens.data.length === 0 ? (
        <EmptyState title="No worker tokens yet">Workers started by <code>npm start</code> need none. Create one above for each machine that runs a remote worker.</EmptyState>
      ) : (
        <div className="table-scroll">
          <table className={`table ${styles.table}`} aria-label="Worker tokens">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Created by</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Used by</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(tokens.data ?? []).map((token) => (
                <TokenRow key={token.id} token={token} onRevoke={() => revoke.mutate(token.id)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The new token and the command with it, shown this once: the server keeps only a hash. */
function ShownOnce({ created }: { created: CreatedWorkerToken }) {
  const command = workerCommand(window.location.origin, created.token);
  return (
    <div role="status" className={styles.shownOnce}>
      <p>
        <strong>Copy the token “{created.name}” now: it is shown only once.</strong>
      </p>
      <div className={styles.secretRow}>
        <code data-testid="new-worker-token">{created.token}</code>
        <CopyButton text={created.token} label="Copy the token" />
      </div>
      <p className="small">On the worker machine (a checkout of Masklab with Node 20), run:</p>
      <div className={styles.secretRow}>
        <pre className="code">
          <code data-testid="worker-command">{command}</code>
        </pre>
        <CopyButton text={command} label="Copy the command" />
      </div>
    </div>
  );
}

function TokenRow({ token, onRevoke }: { token: WorkerTokenRow; onRevoke: () => void }) {
  const revoked = token.revokedAt !== null;
  return (
    <tr className={revoked ? styles.gone : undefined}>
      <th scope="row" className={styles.name}>
        {token.name}
      </th>
      <td>
        <code className={styles.nowrap}>mk_{token.prefix}_…</code>
      </td>
      <td className={`small ${styles.nowrap}`}>{token.createdBy.email}</td>
      <td className={`small ${styles.nowrap}`}>
        <Time value={token.createdAt} relative />
      </td>
      <td className={`small ${styles.nowrap}`}>{token.lastUsedAt ? <Time value={token.lastUsedAt} relative /> : "never"}</td>
      <td className="small">
        {token.workers.length === 0 ? (
          <span className="muted">no worker yet</span>
        ) : (
          <ul className={`${styles.cellList} ${styles.wrapList}`}>
            {token.workers.map((worker) => (
              <li key={worker.id} className={styles.wrap} title={worker.id}>
                {worker.hostname} {worker.alive ? <span className="muted">(alive)</span> : <span className="muted">(last seen <Time value={worker.lastHeartbeatAt} relative />)</span>}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>
        <StatePill word={API_KEY_STATE_WORDS[revoked ? "revoked" : "active"]} />
      </td>
      <td>
        {revoked ? null : (
          <ConfirmDialog
            trigger={
              <button type="button" className="link" aria-label={`Revoke ${token.name}`}>
                Revoke
              </button>
            }
            title={`Revoke the worker token “${token.name}”?`}
            description={
              <p>
                A worker using it is refused from its next request on and stops within one lease, about a minute; the job it holds goes back to the queue for
                another worker. A revoked token cannot be restored: give the machine a new one.
              </p>
            }
            confirmLabel="Revoke"
            destructive
            onConfirm={onRevoke}
          />
        )}
      </td>
    </tr>
  );
}
