import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { AUDIT_ACTIONS, listAudit } from "@/lib/server/auth/audit";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

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
      <form className="filters" method="get">
        <label>
          Action{" "}
          <select name="action" defaultValue={action ?? ""}>
            <option value="">all</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <DataTable
        label="Audit log"
        rows={entries}
        rowKey={(e) => e.id}
        columns={[
          { header: "When", cell: (e) => e.at.toISOString().slice(0, 19).replace("T", " ") },
          { header: "Action", cell: (e) => e.action },
          { header: "Who", cell: (e) => e.actor?.email ?? "—" },
          { header: "Target", cell: (e) => e.target ?? "" },
          { header: "Detail", cell: (e) => (e.detail ? JSON.stringify(e.detail) : "") },
          { header: "Client", cell: (e) => e.ip ?? "" },
        ]}
      />
    </>
  );
}
