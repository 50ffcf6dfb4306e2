import Link from "next/link";
import { AlertInbox } from "@/components/monitoring/alert-inbox";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

export default async function AlertsPage() {
  const user = await requirePageUser("data.view");
  return (
    <>
      <p className="crumbs">
        <Link href="/monitor">Monitor</Link>
      </p>
      <h1>Drift alerts</h1>
      <AlertInbox userId={user.id} />
    </>
  );
}
