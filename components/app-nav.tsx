"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { NavigationGroups, NavSection } from "@/lib/navigation";
import { activeSectionHref } from "@/lib/navigation";
import { formatCount, formatNumber } from "@/lib/presentation/format";
import { useAlerts } from "./api-hooks";

/**
 * The sections the signed-in role may open, in their groups (chosen on the server, which also
 * guards each page). `unresolvedAlerts` is the server's count at render time, null for a role
 * that gets no count; the client keeps it fresh.
 */
export function AppNav({ groups, unresolvedAlerts }: { groups: NavigationGroups; unresolvedAlerts: number | null }) {
  const pathname = usePathname();
  const active = activeSectionHref(pathname, groups.flatMap((group) => group.sections.map((section) => section.href)));
  return (
    <nav aria-label="Main" className="app-nav">
      {groups.map((group) => (
        <ul key={group.group} className={`nav nav-${group.group}`} aria-label={group.label}>
          {group.group === "admin" ? (
            <li className="nav-group-label" aria-hidden>
              {group.label}
            </li>
          ) : null}
          {group.sections.map((section) => (
            <li key={section.href}>
              <SectionLink section={section} active={section.href === active} unresolvedAlerts={section.count === "unresolvedAlerts" ? unresolvedAlerts : null} />
            </li>
          ))}
        </ul>
      ))}
    </nav>
  );
}

function SectionLink({ section, active, unresolvedAlerts }: { section: NavSection; active: boolean; unresolvedAlerts: number | null }) {
  if (unresolvedAlerts !== null) return <AlertsLink section={section} active={active} initial={unresolvedAlerts} />;
  return (
    <Link href={section.href} aria-current={active ? "page" : undefined} className={active ? "active" : undefined}>
      {section.label}
    </Link>
  );
}

/** The API answers at most this many alerts; a longer list reads as "500+". */
const LISTED_ALERTS_CAP = 500;

/**
 * "Alerts" with the number of unresolved alerts: the inbox's default list (the same query, so
 * triage and the inbox refresh it too), starting from the server's count. Unresolved alerts are at
 * most one per baseline and feature, so the list stays short enough to poll.
 */
function AlertsLink({ section, active, initial }: { section: NavSection; active: boolean; initial: number }) {
  const { data } = useAlerts({ status: "unresolved" });
  const count = data ? data.length : initial;
  const text = data && count >= LISTED_ALERTS_CAP ? `${formatNumber(LISTED_ALERTS_CAP)}+` : formatNumber(count);
  return (
    <Link
      href={section.href}
      aria-current={active ? "page" : undefined}
      className={active ? "active" : undefined}
      aria-label={count ? `${section.label}, ${text} unresolved` : undefined}
      title={count ? formatCount(count, "unresolved alert") : undefined}
    >
      {section.label}
      {count ? (
        <span className="nav-count" data-testid="nav-alert-count" aria-hidden>
          {text}
        </span>
      ) : null}
    </Link>
  );
}
