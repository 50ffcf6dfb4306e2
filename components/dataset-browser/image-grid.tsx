"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { memo, useEffect, useRef, useState } from "react";
import type { ImageListItem } from "@/lib/contracts/http/images";
import { formatCount } from "@/lib/presentation/format";
import { SPLIT_WORDS } from "@/lib/presentation/status-words";
import { wordOf } from "@/lib/presentation/word-of";
import { ThumbnailBoxes } from "../thumbnail-boxes";

const TILE = 168;
const GAP = 8;
/** The picture's frame inside a tile: the tile less its 1 px border, and less the two-line caption. */
const PICTURE = { width: TILE - 2, height: TILE - 36 };

interface Props {
  items: ImageListItem[];
  hasMore: boolean;
  loadMore: () => void;
  /** query string (the filter) the labeling view keeps for next/previous */
  filterQuery: string;
}

/**
 * Virtualised thumbnail grid: only the rows on screen exist in the DOM, so 50,000 images scroll
 * like 50. The next page is requested when the last loaded row comes into view.
 */
export function ImageGrid({ items, hasMore, loadMore, filterQuery }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [columns, setColumns] = useState(4);
  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setColumns(Math.max(1, Math.floor((entry!.contentRect.width + GAP) / (TILE + GAP)))));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const rowCount = Math.ceil(items.length / columns) + (hasMore ? 1 : 0);
  const virtualizer = useVirtualizer({ count: rowCount, getScrollElement: () => scrollRef.current, estimateSize: () => TILE + GAP, overscan: 4 });
  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows[virtualRows.length - 1];
  useEffect(() => {
    if (hasMore && lastRow && lastRow.index >= Math.ceil(items.length / columns) - 1) loadMore();
  }, [hasMore, lastRow, items.length, columns, loadMore]);

  return (
    <div ref={scrollRef} className="grid-scroll" data-testid="image-grid">
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualRows.map((row) => (
          <div key={row.key} className="grid-row" style={{ transform: `translateY(${row.start}px)`, gap: GAP }}>
            {items.slice(row.index * columns, row.index * columns + columns).map((image) => (
              <ImageTile key={image.id} image={image} filterQuery={filterQuery} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

/** One thumbnail with its boxes drawn over it; memoised, so scrolling re-renders only the rows that move in. */
const ImageTile = memo(function ImageTile({ image, filterQuery }: { image: ImageListItem; filterQuery: string }) {
  return (
    <Link href={`/label/${image.id}${filterQuery ? `?${filterQuery}` : ""}`} className="tile" style={{ width: TILE, height: TILE }} title={image.fileName} data-testid="image-tile">
      <span className="tile-picture" style={PICTURE}>
        {/* A plain img: thumbnails come sized and cached from our API; next/image would re-encode them. */}
        <img src={`/api/images/${image.id}/thumbnail`} alt={image.fileName} loading="lazy" width={PICTURE.width} height={PICTURE.height} />
        <ThumbnailBoxes image={image} boxes={image.boxes} frame={PICTURE} />
      </span>
      <span className="tile-caption">
        <span className="tile-name">{image.fileName.split("/").pop()}</span>
        <span className="tile-meta">
          <span data-testid="tile-box-count">{formatCount(image.boxCount, "box")}</span> · {wordOf(SPLIT_WORDS, image.split).label}
        </span>
      </span>
    </Link>
  );
});
