"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { CLASS_COLORS, isFacemaskClass } from "@/lib/domain/classes";

export interface ViewerBox {
  id: string;
  className: string;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
  difficult: boolean;
}

interface Props {
  imageId: string;
  width: number;
  height: number;
  boxes: ViewerBox[];
  previousHref: string | null;
  nextHref: string | null;
}

/**
 * Read-only view of an image and its boxes (SVG in image-pixel coordinates, so the overlay
 * scales with the image). A/← and D/→ walk the filtered list the user came from.
 */
export function ImageViewer({ imageId, width, height, boxes, previousHref, nextHref }: Props) {
  const router = useRouter();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.ctrlKey || event.metaKey || event.altKey || target?.closest("input, textarea, select, [contenteditable]")) return;
      const key = event.key.toLowerCase();
      if ((key === "a" || key === "arrowleft") && previousHref) router.push(previousHref);
      if ((key === "d" || key === "arrowright") && nextHref) router.push(nextHref);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [router, previousHref, nextHref]);

  const stroke = Math.max(1, Math.round(Math.max(width, height) / 400));
  return (
    <div className="viewer">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`image with ${boxes.length} boxes`} data-testid="image-view">
        <image href={`/api/images/${imageId}/file`} width={width} height={height} />
        {boxes.map((b) => {
          const color = isFacemaskClass(b.className) ? CLASS_COLORS[b.className] : "#888";
          return (
            <rect
              key={b.id}
              x={b.xmin}
              y={b.ymin}
              width={b.xmax - b.xmin}
              height={b.ymax - b.ymin}
              fill="none"
              stroke={color}
              strokeWidth={stroke}
              strokeDasharray={b.difficult ? `${stroke * 3} ${stroke * 2}` : undefined}
              data-class={b.className}
            >
              <title>{b.className}</title>
            </rect>
          );
        })}
      </svg>
    </div>
  );
}
