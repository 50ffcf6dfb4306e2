import Link from "next/link";
import { AuditActionFilter } from "@/components/accounts/audit-action-filter";
import { DataTable } from "@/components/data-table";
import { EmptyState } from "@/components/empty-state";
import { Time } from "@/components/ui/time";
import { AUDIT_ACTIONS, listAudit } from "@/lib/server/auth/audit";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

/** An entry's detail as "from: annotator · to: reviewer" rather than raw JSON. */
function detailText(detail: Record<string, unknown> | null | undefined): string {
  if (!detail) return "";
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" · ");
}

/** Security-relevant and destructive actions, newest first; filter by action. */
export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser("audit.view");
  const raw = (await searchParams).action;
  const action = AUDIT_ACTIONS.find((a) => a === raw);
  const entries = await listAudit({ action, take: 500 });
  return (
    <>
      <div className="page-head">
        <h1>Audit log</h1>
        <Link href="/admin/users">Users</Link>
      </div>
      <div className="filters" role="search" aria-label="Filter the audit log">
        <AuditActionFilter actions={AUDIT_ACTIONS} value={action ?? ""} />
      </div>
      {entries.length === 0 ? (
        <EmptyState title={action ? `No “${action}” entries` : "No entries yet"} action={action ? { href: "/admin/audit", label: "Show all actions" } : undefined} />
      ) : (
        <DataTable
          label="Audit log"
          rows={entries}
          rowKey={(e) => e.id}
          columns={[
            { header: "When", cell: (e) => <Time value={e.at.toISOString()} /> },
            { header: "Action", cell: (e) => <code>{e.action}</code> },
            { header: "Who", cell: (e) => e.actor?.email ?? "—" },
            { header: "Target", cell: (e) => e.target ?? "" },
            { header: "Detail", cell: (e) => detailText(e.detail) },
            { header: "Client", cell: (e) => e.ip ?? "" },
          ]}
        />
      )}
    </>
  );
}
