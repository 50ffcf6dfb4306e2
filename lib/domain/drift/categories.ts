/**
 * Counts for a categorical feature (the predicted class mix, the source tag) over a fixed list of
 * categories taken from the reference. Layout (length categories.length + 1):
 *   counts[i]                  values equal to categories[i]
 *   counts[categories.length]  "other": every value not in the list
 * Unseen categories share the one "other" bucket so that the layout, and with it the reference,
 * stays fixed while a new camera or class still shows up as mass in a bucket the reference lacks.
 */
export const OTHER_CATEGORY = "other";

export function categoryCounts(values: Iterable<string>, categories: readonly string[]): number[] {
  const position = categoryPositions(categories);
  const counts = new Array<number>(categories.length + 1).fill(0);
  for (const value of values) counts[position.get(value) ?? categories.length]!++;
  return counts;
}

/**
 * The same layout from counts already aggregated per value (a SQL GROUP BY category): each
 * total is added to its category's bucket, or to "other" when the category is not in the list.
 */
export function categoryCountsFromTotals(
  totals: Iterable<readonly [category: string, count: number]>,
  categories: readonly string[],
): number[] {
  const position = categoryPositions(categories);
  const counts = new Array<number>(categories.length + 1).fill(0);
  for (const [category, count] of totals) {
    if (!(Number.isFinite(count) && count >= 0)) {
      throw new RangeError(`the count for category "${category}" must be a non-negative number, got ${count}`);
    }
    counts[position.get(category) ?? categories.length]! += count;
  }
  return counts;
}

/** Labels in the counts layout, for charts: the categories, then "other". */
export function categoryLabels(categories: readonly string[]): string[] {
  return [...categories, OTHER_CATEGORY];
}

function categoryPositions(categories: readonly string[]): Map<string, number> {
  const position = new Map<string, number>();
  categories.forEach((category, i) => {
    if (position.has(category)) throw new RangeError(`category "${category}" is listed twice`);
    position.set(category, i);
  });
  return position;
}
