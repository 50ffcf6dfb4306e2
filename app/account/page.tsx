import { ChangePasswordForm } from "@/components/accounts/change-password-form";
import { BackendSetting } from "@/components/inference/backend-setting";
import { permissionLabel, permissionsOf, ROLE_LABELS } from "@/lib/domain/permissions";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const user = await requirePageUser();
  return (
    <>
      <h1>Your account</h1>
      <p>
        {user.name} · {user.email} · <strong>{ROLE_LABELS[user.role]}</strong>
      </p>
      <p className="muted small">What your role allows: {permissionsOf(user.role).map(permissionLabel).join("; ")}.</p>
      <ChangePasswordForm />
      <BackendSetting />
    </>
  );
}
