import { EvaluationPage } from "@/components/benchmarks/evaluation-page";
import { can } from "@/lib/domain/permissions";
import { requirePageUser } from "@/app/_server/page-auth";
import { evaluationPageParams } from "@/app/_server/evaluation-page-params";

export const dynamic = "force-dynamic";

export default async function EvaluationLabelIssuesPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser();
  const { id, confidence } = await evaluationPageParams(params, searchParams);
  return <EvaluationPage id={id} tab="label-issues" initialConfidence={confidence} canSend={can(user.role, "labels.review")} />;
}
