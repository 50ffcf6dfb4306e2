import Link from "next/link";
import { ApiKeysAdmin } from "@/components/accounts/api-keys-admin";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

export default async function ApiKeysPage() {
  await requirePageUser("apikeys.manage");
  return (
    <>
      <h1>API keys</h1>
      <p className="muted">
        Machine clients (cameras, pipelines) use a key instead of an account. A key only does what its scopes say, and stops working when revoked or when its creator may no longer do that. What a key can call: the <Link href="/docs/api">API reference</Link>.
      </p>
      <ApiKeysAdmin />
    </>
  );
}
