"use client";

import { rollBackProduction } from "../api-hooks";
import { ConfirmedActionButton, SERVING_CONSUMERS } from "../promote-button";
import { Time } from "../ui/time";

export interface PromotionEntry {
  id: string;
  action: string;
  at: string;
  by: string;
  model: string;
  previous: string | null;
}

/** What serves now, who put each version there and when, and the way back. */
export function PromotionHistory({ production, rollBackTo, promotions, canRollBack }: { production: string | null; rollBackTo: string | null; promotions: PromotionEntry[]; canRollBack: boolean }) {
  return (
    <section aria-label="Production history">
      <h2>Production</h2>
      <p>
        Serving now: <b data-testid="production-model">{production ?? "no model"}</b>{" "}
        {canRollBack && production && rollBackTo ? (
          <ConfirmedActionButton
            action={rollBackProduction}
            label="Roll back"
            title={`Roll back to ${rollBackTo}?`}
            confirmLabel="Roll back"
            description={
              <p>
                <b>{production}</b> stops serving and becomes a candidate; <b>{rollBackTo}</b>, the version it replaced, answers {SERVING_CONSUMERS} again from the next request. Rolling back again undoes this.
              </p>
            }
          />
        ) : null}
      </p>
      {promotions.length === 0 ? (
        <p className="muted small">No model has been promoted yet.</p>
      ) : (
        <table className="table" aria-label="Promotion history">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {promotions.map((p) => (
              <tr key={p.id}>
                <td>
                  <Time value={p.at} />
                </td>
                <td>{p.by}</td>
                <td>
                  {p.action === "rollback" ? "rolled back to" : "promoted"} {p.model}
                  {p.previous ? ` (replacing ${p.previous})` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
