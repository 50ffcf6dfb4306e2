import { memo } from "react";
import type { ThumbnailBox } from "@/lib/contracts/http/images";
import type { ImageSize } from "@/lib/domain/box";
import { classColor } from "@/lib/domain/classes";
import { boxInFrame, containFit } from "@/lib/domain/contain-fit";

interface ThumbnailBoxesProps {
  /** the image the boxes' pixels belong to (its stored width and height, not the thumbnail's) */
  image: ImageSize;
  boxes: readonly ThumbnailBox[];
  /** the element the <img> fills with `object-fit: contain`; the overlay takes the same size */
  frame: ImageSize;
}

/**
 * An image's boxes, class-coloured, drawn over its thumbnail: an SVG the size of the <img> frame,
 * placed with the same contain-fit the browser uses for the picture. Purely decorative (the tile's
 * caption says how many boxes there are), so screen readers skip it.
 */
export const ThumbnailBoxes = memo(function ThumbnailBoxes({ image, boxes, frame }: ThumbnailBoxesProps) {
  if (boxes.length === 0) return null;
  const fit = containFit(image, frame);
  return (
    <svg className="thumbnail-boxes" width={frame.width} height={frame.height} viewBox={`0 0 ${frame.width} ${frame.height}`} aria-hidden data-testid="thumbnail-boxes">
      {boxes.map(([className, xmin, ymin, xmax, ymax], index) => {
        const rect = boxInFrame({ xmin, ymin, xmax, ymax }, fit);
        return <rect key={index} data-class={className} x={rect.x} y={rect.y} width={rect.width} height={rect.height} stroke={classColor(className)} />;
      })}
    </svg>
  );
});
