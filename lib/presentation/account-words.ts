import type { ApiKeyScope } from "@/lib/domain/permissions";
import type { StateWord } from "./status-words";

/**
 * Words for the states of accounts and API keys, derived from their timestamps (disabledAt,
 * revokedAt) rather than stored as a status, kept beside status-words.ts in the same form.
 */
export type AccountState = "active" | "disabled";
export type ApiKeyState = "active" | "revoked";

export const ACCOUNT_STATE_WORDS: Record<AccountState, StateWord> = {
  active: { label: "Active", tone: "ok" },
  disabled: { label: "Disabled", tone: "neutral" },
};

export const API_KEY_STATE_WORDS: Record<ApiKeyState, StateWord> = {
  active: { label: "Active", tone: "ok" },
  revoked: { label: "Revoked", tone: "neutral" },
};

/** A scope's name and what a key holding it may do. */
export const API_KEY_SCOPE_WORDS: Record<ApiKeyScope, { label: string; help: string }> = {
  predict: { label: "Predict", help: "call the prediction API" },
  export: { label: "Export", help: "download dataset exports" },
  worker: { label: "Worker", help: "run a remote training worker: claim jobs and report on them, nothing else" },
};
