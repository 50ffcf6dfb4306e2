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

/** The least role holding each permission. */
const PERMISSION_MIN_ROLE = {
  /** browse datasets, images, statistics, models, jobs and drift dashboards */
  "data.view": "annotator",
  /** edit boxes, restore a revision of a label */
  "labels.edit": "annotator",
  "comments.write": "annotator",
  /** run a model on an image (prediction API with a session; keys carry their own scope) */
  "models.predict": "annotator",
  /** mark labels reviewed / needs fix, resolve comments */
  "labels.review": "reviewer",
  "alerts.triage": "reviewer",
  "datasets.import": "ml_lead",
  "datasets.export": "ml_lead",
  "training.manage": "ml_lead",
  "models.promote": "ml_lead",
  "apikeys.manage": "ml_lead",
  "thresholds.manage": "ml_lead",
  "users.manage": "admin",
  "audit.view": "admin",
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSION_MIN_ROLE;
export const PERMISSIONS = Object.keys(PERMISSION_MIN_ROLE) as Permission[];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function can(role: Role, permission: Permission): boolean {
  return roleRank(role) >= roleRank(PERMISSION_MIN_ROLE[permission]);
}

export function minimumRole(permission: Permission): Role {
  return PERMISSION_MIN_ROLE[permission];
}

export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((permission) => can(role, permission));
}

/** API-key scopes: what a machine client may do with a key, independent of its creator's role. */
export const API_KEY_SCOPES = ["predict", "export"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** The permission each scope stands for; a key never grants more than its creator's role could. */
export const SCOPE_PERMISSION: Record<ApiKeyScope, Permission> = {
  predict: "models.predict",
  export: "datasets.export",
};

export function parseScopes(stored: string): ApiKeyScope[] {
  return stored
    .split(",")
    .map((scope) => scope.trim())
    .filter((scope): scope is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(scope));
}
