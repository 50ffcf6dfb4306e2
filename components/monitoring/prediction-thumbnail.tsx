import type { RootCauseImageView } from "@/lib/contracts/http/monitoring";
import { classColor, classLabel } from "@/lib/domain/classes";
import { formatCount, formatNumber } from "@/lib/presentation/format";
import { ClassSwatch } from "../class-swatch";

/**
 * A logged prediction's picture with the model's boxes drawn over it, class-coloured. The SVG
 * shares the picture's frame and its contain-fit (viewBox in image pixels, "meet"), so the boxes
 * stay on the faces at any card size; strokes keep their screen width. Without a kept image (or
 * for a role that may not see production photos) the boxes are drawn on an empty frame, which
 * still shows where and how big the faces were.
 */
export function PredictionThumbnail({ image, showPicture, labelFor }: { image: RootCauseImageView; showPicture: boolean; labelFor?: string }) {
  const picture = showPicture && image.imageKept;
  const frame = (
    <>
      {picture ? (
        // eslint-disable-next-line @next/next/no-img-element -- private, per-user images; next/image would proxy them
        <img src={`/api/predictions/${image.predictionId}/image`} alt={`Prediction from ${image.source ?? "an untagged source"} with ${formatCount(image.boxCount, "box")}`} loading="lazy" decoding="async" />
      ) : (
        <span className="thumb-note">{image.imageKept ? "image shown to reviewers" : "image not kept"}</span>
      )}
      <svg className="thumb-boxes" viewBox={`0 0 ${Math.max(1, image.width)} ${Math.max(1, image.height)}`} preserveAspectRatio="xMidYMid meet" aria-hidden>
        {image.detections.map((d, i) => (
          <rect key={i} data-class={d.className} x={d.box[0]} y={d.box[1]} width={Math.max(0, d.box[2] - d.box[0])} height={Math.max(0, d.box[3] - d.box[1])} stroke={classColor(d.className)}>
            <title>{`${classLabel(d.className)} ${formatNumber(d.score, 2)}`}</title>
          </rect>
        ))}
      </svg>
    </>
  );
  // A label for the card's checkbox: clicking the picture selects it, as in FiftyOne's grid.
  return labelFor ? (
    <label className="thumb-frame selectable" htmlFor={labelFor}>
      {frame}
    </label>
  ) : (
    <div className="thumb-frame">{frame}</div>
  );
}

/** How many boxes of each class the model found, as class chips. */
export function DetectionClasses({ detections }: { detections: RootCauseImageView["detections"] }) {
  const counts = new Map<string, number>();
  for (const d of detections) counts.set(d.className, (counts.get(d.className) ?? 0) + 1);
  if (counts.size === 0) return <p className="thumb-classes muted">no detections</p>;
  return (
    <ul className="thumb-classes" aria-label="Detections per class">
      {[...counts].map(([name, count]) => (
        <li key={name}>
          <ClassSwatch name={name} /> <span className="muted">{formatNumber(count)}</span>
        </li>
      ))}
    </ul>
  );
}
