import { can, type Permission, type Role } from "@/lib/domain/permissions";

const SECTIONS: Array<{ href: string; label: string; permission: Permission }> = [
  { href: "/datasets", label: "Datasets", permission: "data.view" },
  { href: "/label", label: "Label", permission: "data.view" },
  { href: "/train", label: "Train", permission: "data.view" },
  { href: "/models", label: "Models", permission: "data.view" },
  { href: "/try", label: "Try", permission: "models.predict" },
  { href: "/monitor", label: "Monitor", permission: "data.view" },
  { href: "/settings/api-keys", label: "API keys", permission: "apikeys.manage" },
  { href: "/admin/users", label: "Users", permission: "users.manage" },
];

/** The main navigation of a role: only what it may open. */
export function sectionsFor(role: Role) {
  return SECTIONS.filter((section) => can(role, section.permission)).map(({ href, label }) => ({ href, label }));
}
