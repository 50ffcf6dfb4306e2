"use client";

import { useEffect, useState } from "react";
import { formatDateTime, formatRelative, type DateInput } from "@/lib/presentation/format";

/**
 * A moment, written the one way (formatDateTime) or relative to now ("3 minutes ago", the absolute
 * time in its tooltip). Rendered in the reader's time zone once mounted; the server's first paint
 * uses UTC so the two never disagree during hydration.
 */
export function Time({ value, relative = false }: { value: DateInput | null | undefined; relative?: boolean }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    if (!relative) return;
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [relative]);
  if (value === null || value === undefined) return <span className="muted">—</span>;
  const date = value instanceof Date ? value : new Date(value);
  const iso = Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  const absolute = formatDateTime(date, { utc: now === null });
  const text = now === null ? absolute + " UTC" : relative ? formatRelative(date, now) : absolute;
  return (
    <time dateTime={iso} title={absolute} suppressHydrationWarning>
      {text}
    </time>
  );
}
