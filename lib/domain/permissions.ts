/**
 * Who may do what. Roles are cumulative (each includes everything of the one before it); the
 * server checks these permissions on every route and page, the UI only hides what a role lacks.
 */
export const ROLES = ["annotator", "reviewer", "ml_lead", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  annotator: "Annotator",
  reviewer: "Reviewer",
  ml_lead: "ML lead",
  admin: "Admin",
};

/** Each permission: the least role holding it, and what it allows in words (the account page lists them). */
const PERMISSION_CATALOGUE = {
  "data.view": { minRole: "annotator", label: "browse datasets, images, statistics, models, jobs and drift dashboards" },
  "labels.edit": { minRole: "annotator", label: "edit boxes and restore earlier labels" },
  "comments.write": { minRole: "annotator", label: "write review comments" },
  /** with a session; API keys carry their own scope */
  "models.predict": { minRole: "annotator", label: "run a model on an image" },
  "labels.review": { minRole: "reviewer", label: "mark labels reviewed or needing a fix, and resolve comments" },
  "alerts.triage": { minRole: "reviewer", label: "triage drift alerts" },
  "datasets.import": { minRole: "ml_lead", label: "import datasets" },
  "datasets.export": { minRole: "ml_lead", label: "export datasets" },
  "training.manage": { minRole: "ml_lead", label: "train models" },
  /** held by worker tokens: claim a job and report on it, nothing else */
  "training.work": { minRole: "ml_lead", label: "create worker tokens and run training workers with them" },
  "models.promote": { minRole: "ml_lead", label: "promote and roll back models" },
  "apikeys.manage": { minRole: "ml_lead", label: "manage API keys" },
  "thresholds.manage": { minRole: "ml_lead", label: "set drift thresholds" },
  "users.manage": { minRole: "admin", label: "manage user accounts" },
  "audit.view": { minRole: "admin", label: "read the audit log" },
} as const satisfies Record<string, { minRole: Role; label: string }>;

export type Permission = keyof typeof PERMISSION_CATALOGUE;
export const PERMISSIONS = Object.keys(PERMISSION_CATALOGUE) as Permission[];

export function permissionLabel(permission: Permission): string {
  return PERMISSION_CATALOGUE[permission].label;
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function can(role: Role, permission: Permission): boolean {
  return roleRank(role) >= roleRank(PERMISSION_CATALOGUE[permission].minRole);
}

export function minimumRole(permission: Permission): Role {
  return PERMISSION_CATALOGUE[permission].minRole;
}

export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((permission) => can(role, permission));
}

/** API-key scopes: what a machine client may do with a key, independent of its creator's role. */
export const API_KEY_SCOPES = ["predict", "export", "worker"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** The permission each scope stands for; a key never grants more than its creator's role could. */
export const SCOPE_PERMISSION: Record<ApiKeyScope, Permission> = {
  predict: "models.predict",
  export: "datasets.export",
  worker: "training.work",
};

/** The scopes of keys made on the API keys page: "worker" belongs to worker tokens, made, listed and revoked on the Workers page. */
export const API_KEY_PAGE_SCOPES = API_KEY_SCOPES.filter((scope) => scope !== "worker");

/** Whether stored scopes (comma-separated) make a worker token. */
export function isWorkerToken(stored: string): boolean {
  return parseScopes(stored).includes("worker");
}

export function parseScopes(stored: string): ApiKeyScope[] {
  return stored
    .split(",")
    .map((scope) => scope.trim())
    .filter((scope): scope is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(scope));
}
