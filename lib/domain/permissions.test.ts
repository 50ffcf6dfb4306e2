import { describe, expect, it } from "vitest";
import { can, parseScopes, permissionLabel, PERMISSIONS, permissionsOf, ROLES } from "./permissions";

describe("roles", () => {
  it("are cumulative: each role can do everything of the one before it", () => {
    for (let i = 1; i < ROLES.length; i++) {
      for (const permission of permissionsOf(ROLES[i - 1]!)) expect(can(ROLES[i]!, permission)).toBe(true);
      expect(permissionsOf(ROLES[i]!).length).toBeGreaterThan(permissionsOf(ROLES[i - 1]!).length);
    }
  });

  it("match the issue's split of duties", () => {
    expect(permissionsOf("annotator")).toEqual(["data.view", "labels.edit", "comments.write", "models.predict"]);
    expect(can("annotator", "labels.review")).toBe(false);
    expect(can("reviewer", "labels.review")).toBe(true);
    expect(can("reviewer", "alerts.triage")).toBe(true);
    expect(can("reviewer", "datasets.import")).toBe(false);
    for (const p of ["datasets.import", "datasets.export", "training.manage", "models.promote", "apikeys.manage", "thresholds.manage"] as const) {
      expect(can("ml_lead", p)).toBe(true);
      expect(can("reviewer", p)).toBe(false);
    }
    expect(can("ml_lead", "users.manage")).toBe(false);
    expect(can("admin", "users.manage")).toBe(true);
    expect(can("admin", "audit.view")).toBe(true);
  });

  it("describe every permission in words, each its own", () => {
    const labels = PERMISSIONS.map(permissionLabel);
    expect(labels.every((label) => label.length > 0 && !label.includes("."))).toBe(true);
    expect(new Set(labels).size).toBe(PERMISSIONS.length);
    expect(permissionLabel("alerts.triage")).toBe("triage drift alerts");
  });

  it("API-key scopes parse leniently and drop unknown ones", () => {
    expect(parseScopes("predict, export,admin,")).toEqual(["predict", "export"]);
    expect(parseScopes("")).toEqual([]);
  });
});
