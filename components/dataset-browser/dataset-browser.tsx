"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo, useState } from "react";
import { imageFilterToParams, parseImageFilter, type ImageFilter } from "@/lib/domain/image-filter";
import { useImageCount, useImagePages } from "../api-hooks";
import { FilterBar } from "./filter-bar";
import { ImageGrid } from "./image-grid";

const EXPORT_FORMATS = [
  { value: "voc", label: "Pascal VOC (.zip)" },
  { value: "coco", label: "COCO (.zip)" },
  { value: "yolo", label: "YOLO (.zip)" },
] as const;

/** The dataset's image grid with its filters; the filter lives in the URL, so links keep it. */
export function DatasetBrowser({ datasetId, classes, issueCodes }: { datasetId: string; classes: string[]; issueCodes: string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const parsed = useMemo(() => parseImageFilter(new URLSearchParams(searchParams.toString())), [searchParams]);
  const filter: ImageFilter = parsed.success ? parsed.data : {};
  const filterQuery = imageFilterToParams(filter).toString();
  const [exportFormat, setExportFormat] = useState<string>("voc");

  const onChange = useCallback(
    (next: ImageFilter) => {
      const query = imageFilterToParams(next).toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  const pages = useImagePages(datasetId, filter);
  const items = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  const count = useImageCount(datasetId, filter);
  const total = count.data;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <>
      <FilterBar filter={filter} classes={classes} issueCodes={issueCodes} onChange={onChange} />
      {!parsed.success ? <p className="error">This link has an invalid filter ({parsed.error.issues[0]!.message}); showing all images.</p> : null}
      <div className="grid-toolbar">
        <span role="status" data-testid="match-count">
          {pages.isError ? `could not load images: ${pages.error.message}` : total === undefined ? "counting…" : `${total.toLocaleString("en")} image${total === 1 ? "" : "s"}`}
        </span>
        <span className="export">
          <label>
            Export {filterQuery ? "these images" : "all images"} as{" "}
            <select value={exportFormat} onChange={(e) => setExportFormat(e.target.value)}>
              {EXPORT_FORMATS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
          <a className="button" href={`/api/datasets/${datasetId}/export?format=${exportFormat}${filterQuery ? `&${filterQuery}` : ""}`} download>
            Export
          </a>
        </span>
      </div>
      {items.length === 0 && !pages.isPending ? <p className="muted">No image matches these filters.</p> : null}
      <ImageGrid items={items} hasMore={Boolean(hasNextPage)} loadMore={loadMore} filterQuery={filterQuery} />
    </>
  );
}
