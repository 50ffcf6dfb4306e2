"use client";

import { usePathname, useRouter } from "next/navigation";
import { Select } from "../ui/select";

/** The audit log's action filter: choosing an action reloads the page for it, so the URL can be shared. */
export function AuditActionFilter({ actions, value }: { actions: readonly string[]; value: string }) {
  const router = useRouter();
  const pathname = usePathname();
  return (
    <Select
      label="Action"
      value={value}
      onValueChange={(action) => router.push(action ? `${pathname}?action=${encodeURIComponent(action)}` : pathname)}
      options={[{ value: "", label: "All actions" }, ...actions.map((action) => ({ value: action, label: action }))]}
    />
  );
}
