import { WorkerList } from "@/components/workers/worker-list";
import { WorkerTokensAdmin } from "@/components/workers/worker-tokens-admin";
import { can } from "@/lib/domain/permissions";
import { checkHealth } from "@/lib/server/platform/health";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

/** The training and monitor workers, live; and, for ML leads and admins, the worker tokens remote workers sign in with. */
export default async function WorkersPage() {
  const user = await requirePageUser("data.view");
  const canManageTokens = can(user.role, "training.work");
  const health = await checkHealth();
  return (
    <>
      <h1>Workers</h1>
      <p className="muted">
        Training workers claim queued jobs and train them. <code>npm start</code> runs one beside the web server, on the database directly; a worker on another
        machine (a GPU box anywhere) reaches this server over HTTPS with a worker token. The list refreshes every few seconds.
      </p>
      <WorkerList initial={health} canManageTokens={canManageTokens} />
      {canManageTokens ? <WorkerTokensAdmin /> : null}
    </>
  );
}
