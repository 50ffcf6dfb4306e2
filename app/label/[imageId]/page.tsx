import Link from "next/link";
import { notFound } from "next/navigation";
import { LabelEditor } from "@/components/label-editor/label-editor";
import { imageFilterToParams, parseImageFilter } from "@/lib/domain/image-filter";
import { recordIdSchema } from "@/lib/domain/record-id";
import { storedAnnotationsOf } from "@/lib/server/labels/annotations";
import { getImageWithBoxes, imageNeighbours } from "@/lib/server/datasets/image-browser";
import { modelChoices } from "@/lib/server/models/model-registry";
import { can } from "@/lib/domain/permissions";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

/** One image of a (filtered) list, in the box editor; next/previous walk the same list. */
export default async function LabelImagePage({
  params,
  searchParams,
}: {
  params: Promise<{ imageId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePageUser();
  const id = recordIdSchema.safeParse((await params).imageId);
  const image = id.success ? await getImageWithBoxes(id.data) : null;
  if (!image) notFound();
  const raw = await searchParams;
  const parsed = parseImageFilter(new URLSearchParams(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string")));
  const filter = parsed.success ? parsed.data : {};
  const query = imageFilterToParams(filter).toString();
  const suffix = query ? `?${query}` : "";
  const around = await imageNeighbours(image.datasetId, filter, image.fileName);
  const models = can(user.role, "models.predict") ? await modelChoices() : [];

  return (
    <>
      <p className="crumbs">
        <Link href={`/datasets/${image.dataset.id}${suffix}`}>← {image.dataset.name}</Link>
        <span className="muted">
          {" "}
          · image {around.position} of {around.total}
          {query ? " (filtered)" : ""}
        </span>
      </p>
      <h1 className="file-title">
        {image.fileName} <span className="muted small">{image.width} × {image.height} px · {image.split}</span>
      </h1>
      <LabelEditor
        key={image.id}
        imageId={image.id}
        width={image.width}
        height={image.height}
        classes={image.dataset.classes}
        initial={storedAnnotationsOf(image)}
        previousHref={around.previous ? `/label/${around.previous}${suffix}` : null}
        nextHref={around.next ? `/label/${around.next}${suffix}` : null}
        previousImageId={around.previous}
        nextImageId={around.next}
        canReview={can(user.role, "labels.review")}
        models={models}
      />
      {image.importIssues.length > 0 ? (
        <details className="findings">
          <summary>Import findings ({image.importIssues.length})</summary>
          <ul className="plain">
            {image.importIssues.map((issue, i) => (
              <li key={i}>
                <span className={`sev sev-${issue.severity}`}>{issue.code}</span> {issue.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}
