import Link from "next/link";
import { notFound } from "next/navigation";
import { ClassSwatch } from "@/components/class-swatch";
import { ImageViewer } from "@/components/image-viewer";
import { imageFilterToParams, parseImageFilter } from "@/lib/domain/image-filter";
import { recordIdSchema } from "@/lib/domain/record-id";
import { getImageWithBoxes, imageNeighbours } from "@/lib/server/image-browser";

export const dynamic = "force-dynamic";

/** One image of a (filtered) list. The box editor replaces the read-only view in the labeling work. */
export default async function LabelImagePage({
  params,
  searchParams,
}: {
  params: Promise<{ imageId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const id = recordIdSchema.safeParse((await params).imageId);
  const image = id.success ? await getImageWithBoxes(id.data) : null;
  if (!image) notFound();
  const raw = await searchParams;
  const parsed = parseImageFilter(new URLSearchParams(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string")));
  const filter = parsed.success ? parsed.data : {};
  const query = imageFilterToParams(filter).toString();
  const suffix = query ? `?${query}` : "";
  const around = await imageNeighbours(image.datasetId, filter, image.fileName);
  const counts = image.boxes.reduce<Record<string, number>>((acc, b) => ({ ...acc, [b.className]: (acc[b.className] ?? 0) + 1 }), {});

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
      <h1 className="file-title">{image.fileName}</h1>
      <div className="viewer-layout">
        <ImageViewer
          imageId={image.id}
          width={image.width}
          height={image.height}
          boxes={image.boxes}
          previousHref={around.previous ? `/label/${around.previous}${suffix}` : null}
          nextHref={around.next ? `/label/${around.next}${suffix}` : null}
        />
        <aside className="viewer-side">
          <nav className="prev-next" aria-label="Image navigation">
            {around.previous ? <Link href={`/label/${around.previous}${suffix}`}>← previous (A)</Link> : <span className="muted">← previous</span>}
            {around.next ? <Link href={`/label/${around.next}${suffix}`}>next (D) →</Link> : <span className="muted">next →</span>}
          </nav>
          <dl className="facts">
            <dt>Size</dt>
            <dd>
              {image.width} × {image.height} px, {image.format}
              {image.hasAlpha ? ", alpha" : ""}
              {image.colorSpace !== "srgb" ? `, ${image.colorSpace}` : ""}
            </dd>
            <dt>Split</dt>
            <dd>{image.split}</dd>
            <dt>Status</dt>
            <dd>{image.labelStatus.replace("_", " ")}</dd>
            <dt>Boxes</dt>
            <dd>
              {image.boxes.length === 0 ? "none" : null}
              <ul className="plain">
                {Object.entries(counts).map(([c, n]) => (
                  <li key={c}>
                    <ClassSwatch name={c} /> × {n}
                  </li>
                ))}
              </ul>
            </dd>
          </dl>
          {image.importIssues.length > 0 ? (
            <>
              <h2>Import findings</h2>
              <ul className="plain findings">
                {image.importIssues.map((issue, i) => (
                  <li key={i}>
                    <span className={`sev sev-${issue.severity}`}>{issue.code}</span> {issue.message}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </aside>
      </div>
    </>
  );
}
