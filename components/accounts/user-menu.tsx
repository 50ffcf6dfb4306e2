"use client";

import Link from "next/link";
import { ROLE_LABELS, type Role } from "@/lib/domain/permissions";
import { signOut } from "../api-hooks";

export function UserMenu({ name, role }: { name: string; role: Role }) {
  return (
    <span className="user-menu">
      <Link href="/account" className="small">
        {name}
      </Link>{" "}
      <span className="muted small">({ROLE_LABELS[role]})</span>{" "}
      <button
        type="button"
        className="link small"
        onClick={async () => {
          await signOut().catch(() => undefined);
          window.location.assign("/login");
        }}
      >
        Sign out
      </button>
    </span>
  );
}
