import type { PixelBox } from "@/lib/domain/box";

export interface OverlayBox {
  box: PixelBox;
  color: string;
  /** the box the card is about: drawn thick; the others are context */
  emphasis?: boolean;
  dashed?: boolean;
  label?: string;
}

/**
 * The square window of the image a card shows: centred on the box it is about, three times its
 * size (faces are small in crowd photos) but at least 96 px, and never past the image's larger side.
 */
export function focusWindow(box: PixelBox, width: number, height: number): { x: number; y: number; size: number } {
  const side = Math.min(Math.max(width, height), Math.max(96, 3 * Math.max(box.xmax - box.xmin, box.ymax - box.ymin)));
  // Along a side shorter than the window the image is centred; otherwise the window stays inside it.
  const place = (lo: number, hi: number, extent: number) => (extent <= side ? (extent - side) / 2 : Math.min(Math.max((lo + hi) / 2 - side / 2, 0), extent - side));
  return { x: place(box.xmin, box.xmax, width), y: place(box.ymin, box.ymax, height), size: side };
}

/**
 * A zoomed window of an image with boxes drawn in the image's own pixel coordinates: the SVG's
 * viewBox is the window, the original image sits under the boxes at its full size.
 */
export function BoxOverlay({ imageId, width, height, boxes, focus, alt }: { imageId: string; width: number; height: number; boxes: OverlayBox[]; focus: PixelBox; alt: string }) {
  const view = focusWindow(focus, width, height);
  const stroke = view.size / 120;
  return (
    <div className="overlay">
      <svg viewBox={`${view.x} ${view.y} ${view.size} ${view.size}`} role="img" aria-label={alt}>
        <image href={`/api/images/${encodeURIComponent(imageId)}/file`} x={0} y={0} width={width} height={height} />
        {boxes.map((b, i) => (
          <g key={i}>
            <rect
              x={b.box.xmin}
              y={b.box.ymin}
              width={b.box.xmax - b.box.xmin}
              height={b.box.ymax - b.box.ymin}
              fill="none"
              stroke={b.color}
              strokeWidth={b.emphasis ? stroke * 2 : stroke}
              strokeDasharray={b.dashed ? `${stroke * 3} ${stroke * 2}` : undefined}
            />
            {b.label ? (
              <text x={b.box.xmin} y={Math.max(b.box.ymin - stroke, view.y + stroke * 6)} fontSize={stroke * 6} fill={b.color} stroke="white" strokeWidth={stroke / 2} paintOrder="stroke">
                {b.label}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
    </div>
  );
}
