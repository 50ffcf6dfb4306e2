"use client";

import Link from "next/link";
import { DropdownMenu } from "radix-ui";
import { ROLE_LABELS, type Role } from "@/lib/domain/permissions";
import { signOut } from "../api-hooks";

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join("");

/** The signed-in person: who and in which role at a glance; their account and signing out one click away. */
export function UserMenu({ name, role }: { name: string; role: Role }) {
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="user-menu-trigger" aria-label={`Account menu: ${name}, ${ROLE_LABELS[role]}`}>
        <span className="user-avatar" aria-hidden>
          {initials(name) || "?"}
        </span>
        <span className="user-name">{name}</span>
        <span className="user-role">{ROLE_LABELS[role]}</span>
        <span className="ui-select-icon" aria-hidden>
          ▾
        </span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="ui-select-content ui-menu user-menu-content" align="end" sideOffset={6}>
          <DropdownMenu.Label className="ui-menu-label">
            {name} · {ROLE_LABELS[role]}
          </DropdownMenu.Label>
          <DropdownMenu.Item asChild className="ui-select-item">
            <Link href="/account">Your account</Link>
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="ui-menu-separator" />
          <DropdownMenu.Item
            className="ui-select-item"
            onSelect={async () => {
              await signOut().catch(() => undefined);
              window.location.assign("/login");
            }}
          >
            Sign out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
