import Link from "next/link";
import { UsersAdmin } from "@/components/accounts/users-admin";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const user = await requirePageUser("users.manage");
  return (
    <>
      <div className="page-head">
        <h1>Users</h1>
        <Link href="/admin/audit">Audit log</Link>
      </div>
      <UsersAdmin selfId={user.id} />
    </>
  );
}
