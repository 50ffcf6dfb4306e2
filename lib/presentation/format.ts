/**
 * How Masklab writes numbers, counts, sizes, durations and times for people: one rule each, used
 * by every page, so "1,318 images" reads the same on the dataset list, the grid and the charts.
 * Pure (the current time is a parameter), so server and browser render alike and tests are exact.
 */

/** Every formatter uses one locale: pages must not change with the server's or browser's language. */
const LOCALE = "en-GB";

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });

/** 1318 → "1,318"; `digits` fixes the decimals (0.4567, 3 → "0.457"). */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return "—";
  if (digits === 0) return integer.format(value);
  return new Intl.NumberFormat(LOCALE, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** 0.4567 → "45.7 %" (a ratio in [0, 1]). */
export function formatPercent(ratio: number, digits = 1): string {
  if (!Number.isFinite(ratio)) return "—";
  return `${formatNumber(ratio * 100, digits)} %`;
}

/** English plural of a count's noun: "1 image", "2 images", "1 box", "3 boxes". Pass the plural for irregular nouns. */
/** Nouns the spelling rules below get wrong ("ch" said as k), and the app uses. */
const IRREGULAR_PLURALS: Readonly<Record<string, string>> = { epoch: "epochs", stomach: "stomachs" };

export function pluralize(count: number, singular: string, plural?: string): string {
  if (count === 1) return singular;
  if (plural) return plural;
  if (Object.hasOwn(IRREGULAR_PLURALS, singular)) return IRREGULAR_PLURALS[singular]!;
  if (/(s|x|z|ch|sh)$/.test(singular)) return `${singular}es`;
  if (/[^aeiou]y$/.test(singular)) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
}

/** A count with its noun: formatCount(1318, "image") → "1,318 images"; formatCount(1, "box") → "1 box". */
export function formatCount(count: number, singular: string, plural?: string): string {
  return `${formatNumber(count)} ${pluralize(count, singular, plural)}`;
}

const BYTE_UNITS = ["B", "kB", "MB", "GB", "TB"] as const;

/** 19_234_567 → "19.2 MB" (decimal units, as file managers and browsers show upload sizes). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  let unit = 0;
  let value = bytes;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${formatNumber(value)} B` : `${formatNumber(value, value < 10 ? 1 : 0)} ${BYTE_UNITS[unit]}`;
}

/** A duration for people: 850 → "850 ms", 4_200 → "4.2 s", 252_000 → "4 min 12 s", 3_780_000 → "1 h 03 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${formatNumber(ms / 1000, 1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes} min ${String(totalSeconds % 60).padStart(2, "0")} s`;
  const hours = Math.floor(totalMinutes / 60);
  return `${formatNumber(hours)} h ${String(totalMinutes % 60).padStart(2, "0")} min`;
}

export type DateInput = Date | string | number;

function toDate(value: DateInput): Date {
  return value instanceof Date ? value : new Date(value);
}

const dateTime = new Intl.DateTimeFormat(LOCALE, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });
const dateTimeUtc = new Intl.DateTimeFormat(LOCALE, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "UTC" });

/** The one absolute format: "5 Dec 2026, 04:25", in the reader's time zone (or UTC where asked, e.g. on the server). */
export function formatDateTime(value: DateInput, { utc = false }: { utc?: boolean } = {}): string {
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) return "—";
  return (utc ? dateTimeUtc : dateTime).format(date);
}

const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: "auto" });
const RELATIVE_STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
  ["week", 4.35],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

/** "just now", "3 minutes ago", "in 2 hours", "yesterday": for times people compare to now (alerts, jobs, heartbeats). */
export function formatRelative(value: DateInput, now: DateInput): string {
  const date = toDate(value);
  const reference = toDate(now);
  if (Number.isNaN(date.getTime()) || Number.isNaN(reference.getTime())) return "—";
  let amount = (date.getTime() - reference.getTime()) / 1000;
  if (Math.abs(amount) < 45) return "just now";
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(amount) < size) return relative.format(Math.round(amount), unit);
    amount /= size;
  }
  return formatDateTime(date);
}
