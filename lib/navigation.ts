import { can, type Permission, type Role } from "@/lib/domain/permissions";

/** Where a section sits in the top bar: the daily work, or the administration a lead or admin does. */
export const NAV_GROUPS = ["work", "admin"] as const;
export type NavGroup = (typeof NAV_GROUPS)[number];

export const NAV_GROUP_LABELS: Record<NavGroup, string> = {
  work: "Sections",
  admin: "Admin",
};

/** A section that shows a count beside its name (filled in by the layout for the roles that act on it). */
export type NavCount = "unresolvedAlerts";

export interface NavSection {
  href: string;
  label: string;
  count?: NavCount;
}

const SECTIONS: Array<NavSection & { permission: Permission; group: NavGroup }> = [
  { href: "/datasets", label: "Datasets", permission: "data.view", group: "work" },
  { href: "/label", label: "Label", permission: "data.view", group: "work" },
  { href: "/train", label: "Train", permission: "data.view", group: "work" },
  { href: "/workers", label: "Workers", permission: "data.view", group: "work" },
  { href: "/models", label: "Models", permission: "data.view", group: "work" },
  { href: "/try", label: "Try", permission: "models.predict", group: "work" },
  { href: "/monitor", label: "Monitor", permission: "data.view", group: "work" },
  { href: "/monitor/alerts", label: "Alerts", permission: "data.view", group: "work", count: "unresolvedAlerts" },
  { href: "/settings/api-keys", label: "API keys", permission: "apikeys.manage", group: "admin" },
  { href: "/admin/users", label: "Users", permission: "users.manage", group: "admin" },
  { href: "/admin/audit", label: "Audit log", permission: "audit.view", group: "admin" },
];

export type NavigationGroups = Array<{ group: NavGroup; label: string; sections: NavSection[] }>;

/** The navigation of a role, grouped: only what it may open, and no empty group. */
export function navigationFor(role: Role): NavigationGroups {
  return NAV_GROUPS.map((group) => ({
    group,
    label: NAV_GROUP_LABELS[group],
    sections: SECTIONS.filter((section) => section.group === group && can(role, section.permission)).map(({ href, label, count }) => (count ? { href, label, count } : { href, label })),
  })).filter((entry) => entry.sections.length > 0);
}

/**
 * Whether the role gets the unresolved-alerts count beside Alerts: those who triage alerts act on
 * it; for the others it would be a number they can do nothing about.
 */
export function showsAlertCount(role: Role): boolean {
  return can(role, "alerts.triage");
}

/**
 * The section a path belongs to: the longest href that is the path or a folder above it, so an
 * alert's page (/monitor/alerts/…) marks Alerts, not Monitor as well.
 */
export function activeSectionHref(pathname: string, hrefs: readonly string[]): string | null {
  let best: string | null = null;
  for (const href of hrefs) {
    const matches = pathname === href || pathname.startsWith(`${href}/`);
    if (matches && (best === null || href.length > best.length)) best = href;
  }
  return best;
}
