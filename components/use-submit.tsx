"use client";

import { useState } from "react";

/**
 * A form's submit: pending while the action runs, its error message shown when it throws. On
 * success `onDone` usually navigates away, so pending stays on (no double submit meanwhile).
 */
export function useSubmit<T>(action: () => Promise<T>, onDone: (result: T) => void) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      onDone(await action());
    } catch (failure) {
      setError((failure as Error).message);
      setPending(false);
    }
  };
  return { pending, error, submit };
}

export function FormError({ error }: { error: string | null }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}
