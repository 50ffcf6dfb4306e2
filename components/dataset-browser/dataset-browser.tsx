"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { EXPORT_FORMATS, exportMenuLabel, isExportFormat, type ExportFormat } from "@/lib/domain/export-formats";
import { imageFilterToParams, parseImageFilter, type ImageFilter } from "@/lib/domain/image-filter";
import { formatCount } from "@/lib/presentation/format";
import { useImageCount, useImagePages } from "../api-hooks";
import { EmptyState } from "../empty-state";
import { Select } from "../ui/select";
import { BatchPrelabel, type PrelabelModel } from "./batch-prelabel";
import { FilterBar } from "./filter-bar";
import { ImageGrid } from "./image-grid";

interface DatasetBrowserProps {
  datasetId: string;
  classes: string[];
  issueCodes: string[];
  canExport: boolean;
  /** whether the reader may import, so an empty dataset can link to the import page */
  canImport?: boolean;
  prelabelModels?: PrelabelModel[];
}

/** The dataset's image grid with its filters; the filter lives in the URL, so links keep it. */
export function DatasetBrowser({ datasetId, classes, issueCodes, canExport, canImport = false, prelabelModels = [] }: DatasetBrowserProps) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const urlQuery = searchParams.toString();
  const parsed = useMemo(() => parseImageFilter(new URLSearchParams(urlQuery)), [urlQuery]);
  // The filter is state first and URL second: quick successive changes each build on the
  // previous one instead of on a URL that has not caught up yet.
  const [filter, setFilter] = useState<ImageFilter>(() => (parsed.success ? parsed.data : {}));
  const filterQuery = imageFilterToParams(filter).toString();
  const [exportFormat, setExportFormat] = useState<ExportFormat>(EXPORT_FORMATS[0]);

  // The query this component last asked the router for, until the URL shows it: URLs seen before
  // then are our own earlier steps arriving late, not the user navigating.
  const requested = useRef<string | null>(null);
  const onChange = useCallback((patch: Partial<ImageFilter>) => setFilter((previous) => ({ ...previous, ...patch })), []);
  useEffect(() => {
    const current = parseImageFilter(new URLSearchParams(window.location.search));
    if (current.success && imageFilterToParams(current.data).toString() === filterQuery) return;
    requested.current = filterQuery;
    router.replace(filterQuery ? `${pathname}?${filterQuery}` : pathname, { scroll: false });
  }, [filterQuery, pathname, router]);
  useEffect(() => {
    const forget = () => (requested.current = null);
    window.addEventListener("popstate", forget);
    return () => window.removeEventListener("popstate", forget);
  }, []);
  // Back/forward (or an edited URL) moves the state to what the URL now says.
  useEffect(() => {
    if (!parsed.success) return;
    const shown = imageFilterToParams(parsed.data).toString();
    if (requested.current !== null) {
      if (shown === requested.current) requested.current = null;
      return;
    }
    setFilter((previous) => (imageFilterToParams(previous).toString() === shown ? previous : parsed.data));
  }, [parsed]);

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
      <BatchPrelabel datasetId={datasetId} filter={filter} models={prelabelModels} />
      {!parsed.success ? <p className="error">This link has an invalid filter ({parsed.error.issues[0]!.message}); showing all images.</p> : null}
      <div className="grid-toolbar">
        <span role="status" data-testid="match-count">
          {pages.isError ? `could not load images: ${pages.error.message}` : total === undefined ? "counting…" : formatCount(total, "image")}
        </span>
        {canExport ? (
        <span className="export">
          <span aria-hidden>Export {filterQuery ? "these images" : "all images"} as</span>
          <Select
            aria-label={`Export ${filterQuery ? "these images" : "all images"} as`}
            value={exportFormat}
            onValueChange={(next) => isExportFormat(next) && setExportFormat(next)}
            options={EXPORT_FORMATS.map((format) => ({ value: format, label: exportMenuLabel(format) }))}
          />
          <a className="button" href={`/api/datasets/${datasetId}/export?format=${exportFormat}${filterQuery ? `&${filterQuery}` : ""}`} download>
            Export
          </a>
        </span>
        ) : null}
      </div>
      {items.length === 0 && !pages.isPending && !pages.isError ? (
        filterQuery ? (
          <EmptyState title="No image matches these filters" action={{ href: pathname, label: "Clear the filters" }} />
        ) : (
          <EmptyState title="This dataset has no images yet" action={canImport ? { href: "/datasets/import", label: "Import images" } : undefined}>
            {canImport ? "An import under this dataset's name adds its images here." : "An ML lead can import images into it."}
          </EmptyState>
        )
      ) : null}
      <ImageGrid items={items} hasMore={Boolean(hasNextPage)} loadMore={loadMore} filterQuery={filterQuery} />
    </>
  );
}
