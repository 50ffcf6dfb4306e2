import Link from "next/link";
import { TryModel } from "@/components/inference/try-model";
import { EmptyState } from "@/components/empty-state";
import { requirePageUser } from "@/app/_server/page-auth";
import { modelChoices } from "@/lib/server/models/model-registry";

export const dynamic = "force-dynamic";

/** The product's demo: any model version, run in this browser on an image or the webcam. */
export default async function TryPage() {
  await requirePageUser("models.predict");
  const models = await modelChoices();
  return (
    <>
      <h1>Try a model</h1>
      <p className="muted">Detections computed in this browser (auto picks the fastest real backend of this browser: WebGPU or WebGL on a hardware GPU, else WASM) with the same pre- and post-processing the server uses.</p>
      {models.length === 0 ? <EmptyState title="No model yet">
          <Link href="/train">Train one on the Train page</Link>.
        </EmptyState> : <TryModel models={models} />}
    </>
  );
}
