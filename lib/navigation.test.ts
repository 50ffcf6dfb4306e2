import { describe, expect, it } from "vitest";
import { ROLES } from "@/lib/domain/permissions";
import { activeSectionHref, navigationFor, showsAlertCount } from "./navigation";

const labels = (role: (typeof ROLES)[number]) => Object.fromEntries(navigationFor(role).map((entry) => [entry.group, entry.sections.map((s) => s.label)]));

describe("navigationFor", () => {
  it("shows each role only what it may open, admin items grouped apart and no empty group", () => {
    const work = ["Datasets", "Label", "Train", "Workers", "Models", "Try", "Monitor", "Alerts"];
    expect(labels("annotator")).toEqual({ work });
    expect(labels("reviewer")).toEqual({ work });
    expect(labels("ml_lead")).toEqual({ work, admin: ["API keys"] });
    expect(labels("admin")).toEqual({ work, admin: ["API keys", "Users", "Audit log"] });
  });

  it("puts Alerts right after Monitor, carrying the unresolved-alerts count", () => {
    const sections = navigationFor("reviewer")[0]!.sections;
    const monitor = sections.findIndex((s) => s.href === "/monitor");
    expect(sections[monitor + 1]).toEqual({ href: "/monitor/alerts", label: "Alerts", count: "unresolvedAlerts" });
    expect(sections.filter((s) => s.count)).toHaveLength(1);
  });

  it("gives the count to the roles that triage alerts", () => {
    expect(ROLES.filter(showsAlertCount)).toEqual(["reviewer", "ml_lead", "admin"]);
  });
});

describe("activeSectionHref", () => {
  const hrefs = navigationFor("admin").flatMap((entry) => entry.sections.map((s) => s.href));

  it("marks the deepest section a path is in", () => {
    expect(activeSectionHref("/monitor", hrefs)).toBe("/monitor");
    expect(activeSectionHref("/monitor/alerts", hrefs)).toBe("/monitor/alerts");
    expect(activeSectionHref("/monitor/alerts/ck123", hrefs)).toBe("/monitor/alerts");
    expect(activeSectionHref("/datasets/abc/images", hrefs)).toBe("/datasets");
    expect(activeSectionHref("/admin/audit", hrefs)).toBe("/admin/audit");
    expect(activeSectionHref("/workers", hrefs)).toBe("/workers");
  });

  it("marks nothing outside the sections, and never a mere prefix of a name", () => {
    expect(activeSectionHref("/account", hrefs)).toBeNull();
    expect(activeSectionHref("/monitoring", hrefs)).toBeNull();
    expect(activeSectionHref("/", hrefs)).toBeNull();
  });
});
