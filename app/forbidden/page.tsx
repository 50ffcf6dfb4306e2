import Link from "next/link";
import { minimumRole, PERMISSIONS, ROLE_LABELS, type Permission } from "@/lib/domain/permissions";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser();
  const need = (await searchParams).need;
  const permission = PERMISSIONS.find((p) => p === need) as Permission | undefined;
  return (
    <>
      <h1>Not allowed</h1>
      <p role="alert">
        Your role ({ROLE_LABELS[user.role]}) may not open that page
        {permission ? `: it needs the ${ROLE_LABELS[minimumRole(permission)]} role or higher` : ""}. An admin can change your role.
      </p>
      <p>
        <Link href="/datasets">Back to the datasets</Link>
      </p>
    </>
  );
}
