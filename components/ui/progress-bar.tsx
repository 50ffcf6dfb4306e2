"use client";

import { Progress } from "radix-ui";
import styles from "./progress-bar.module.css";

/**
 * The one progress bar of the app: Radix's (role="progressbar" with aria-valuenow, so screen
 * readers and tests read how far it is), with its words beneath. `ratio` null: size unknown.
 */
export function ProgressBar({ ratio, caption, label, testId }: { ratio: number | null; caption: string; label: string; testId?: string }) {
  const value = ratio === null ? null : Math.round(Math.min(1, Math.max(0, ratio)) * 1000) / 10;
  return (
    <div data-testid={testId}>
      <Progress.Root className={styles.root} value={value} max={100} aria-label={label} aria-valuetext={caption}>
        <Progress.Indicator className={`${styles.indicator} ${value === null ? styles.indeterminate : ""}`} style={value === null ? undefined : { transform: `translateX(-${100 - value}%)` }} />
      </Progress.Root>
      <p className={styles.caption} aria-live="polite">
        {caption}
      </p>
    </div>
  );
}
