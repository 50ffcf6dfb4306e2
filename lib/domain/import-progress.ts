/**
 * The phases of a dataset import, in the order a user waits through them: the browser sends the
 * bytes, the server unpacks a zip, verifies and stores each image file, then writes the images
 * into the dataset in one transaction. Each reports how far it is as `done` of `total`, counted
 * in its own unit (bytes, zip entries, image files, images).
 */
export const IMPORT_PHASES = ["uploading", "unpacking", "verifying", "importing"] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];

/** The phases the server reports (the upload's bytes are counted by the browser). */
export const SERVER_IMPORT_PHASES = ["unpacking", "verifying", "importing"] as const satisfies readonly ImportPhase[];
export type ServerImportPhase = (typeof SERVER_IMPORT_PHASES)[number];

export interface ImportProgress {
  phase: ImportPhase;
  done: number;
  /** null: not known (a browser that cannot measure the upload) */
  total: number | null;
}

/** A pure progress callback threaded through an import: called with done of total in the phase's unit. */
export type ImportProgressListener = (done: number, total: number, phase: ServerImportPhase) => void;

/**
 * Passes progress on at most once per `minIntervalMs`, but always the first report of a phase and
 * its last (done = total), so a stream of them stays small while a reader never misses a phase.
 */
export function throttleProgress<P extends ImportProgress>(emit: (progress: P) => void, minIntervalMs: number, clock: () => number = Date.now) {
  let lastPhase: ImportPhase | null = null;
  let lastAt = -Infinity;
  return (progress: P): void => {
    const now = clock();
    const finished = progress.total !== null && progress.done >= progress.total;
    if (progress.phase === lastPhase && !finished && now - lastAt < minIntervalMs) return;
    lastPhase = progress.phase;
    lastAt = now;
    emit(progress);
  };
}
