"use client";

import { useEffect, useState } from "react";
import styles from "./workers.module.css";

type CopyState = "idle" | "copied" | "failed";

/** Copies `text` to the clipboard, saying so for a moment; where the browser refuses (plain http), it says to copy by hand. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<CopyState>("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2_500);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className={`secondary ${styles.copy}`}
      aria-label={label}
      onClick={() => {
        if (!navigator.clipboard) return setState("failed");
        navigator.clipboard.writeText(text).then(
          () => setState("copied"),
          () => setState("failed"),
        );
      }}
    >
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Select and copy it" : "Copy"}</span>
    </button>
  );
}
