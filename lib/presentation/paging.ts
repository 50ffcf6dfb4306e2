/**
 * Client-side pages of a short list that arrived whole (an alert's ranked images): which items a
 * page shows and how many pages there are. A page past the end (the list shrank) shows the last.
 */
export interface ListPage<T> {
  items: T[];
  /** the page shown, 0-based, after clamping */
  page: number;
  pageCount: number;
  /** 1-based positions of the first and last item shown (0 and 0 for an empty list) */
  first: number;
  last: number;
}

export function listPage<T>(items: readonly T[], page: number, pageSize: number): ListPage<T> {
  if (!(Number.isInteger(pageSize) && pageSize > 0)) throw new RangeError(`a page holds a positive whole number of items, got ${pageSize}`);
  const pageCount = Math.max(1, Math.ceil(items.length / pageSize));
  const shown = Math.min(Math.max(0, Math.trunc(page)), pageCount - 1);
  const start = shown * pageSize;
  const slice = items.slice(start, start + pageSize);
  return { items: slice, page: shown, pageCount, first: slice.length ? start + 1 : 0, last: start + slice.length };
}
