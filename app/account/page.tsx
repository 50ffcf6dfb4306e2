import { ChangePasswordForm } from "@/components/accounts/change-password-form";
import { BackendSetting } from "@/components/inference/backend-setting";
import { permissionLabel, permissionsOf, ROLE_LABELS } from "@/lib/domain/permissions";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

/** Labels are written to follow "you may …"; as list items they start with a capital. */
const sentenceCase = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export default async function AccountPage() {
  const user = await requirePageUser();
  return (
    <>
      <h1>Your account</h1>
      <div className="card-stack">
        <section className="card" aria-labelledby="account-profile">
          <h2 id="account-profile">Profile</h2>
          <dl className="facts">
            <dt>Name</dt>
            <dd>{user.name}</dd>
            <dt>Email</dt>
            <dd>{user.email}</dd>
            <dt>Role</dt>
            <dd>
              <strong>{ROLE_LABELS[user.role]}</strong>
            </dd>
          </dl>
          <h3 className="small muted">What your role allows</h3>
          <ul className="permission-list" aria-label="What your role allows">
            {permissionsOf(user.role).map((permission) => (
              <li key={permission}>{sentenceCase(permissionLabel(permission))}</li>
            ))}
          </ul>
        </section>
        <ChangePasswordForm />
        <BackendSetting />
      </div>
    </>
  );
}
