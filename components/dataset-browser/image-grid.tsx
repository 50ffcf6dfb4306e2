"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { ImageListItem } from "@/lib/contracts/http/images";

const TILE = 168;
const GAP = 8;

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
              <Link
                key={image.id}
                href={`/label/${image.id}${filterQuery ? `?${filterQuery}` : ""}`}
                className="tile"
                style={{ width: TILE, height: TILE }}
                title={image.fileName}
                data-testid="image-tile"
              >
                {/* A plain img: thumbnails come sized and cached from our API; next/image would re-encode them. */}
                <img src={`/api/images/${image.id}/thumbnail`} alt={image.fileName} loading="lazy" width={TILE} height={TILE - 34} />
                <span className="tile-caption">
                  <span className="tile-name">{image.fileName.split("/").pop()}</span>
                  <span className="tile-meta">
                    {image.boxCount} box{image.boxCount === 1 ? "" : "es"} · {image.split}
                  </span>
                </span>
              </Link>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
