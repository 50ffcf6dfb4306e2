"use client";

import { useCallback, useEffect, useReducer, useRef } from "react";
import type { StoredAnnotations } from "@/lib/contracts/http/labels";
import { iou } from "@/lib/domain/box";
import { emptyHistory, execute, redo, undo, type Command, type EditorState, type History } from "@/lib/domain/editor-commands";
import type { LabelStatus } from "@/lib/domain/states";
import { saveLabels } from "../api-hooks";


type SaveStatus = "saved" | "dirty" | "saving" | "error" | "conflict";

interface State {
  doc: EditorState;
  history: History;
  /** what the server holds at `version`: "dirty" means doc differs from it */
  saved: EditorState;
  version: number;
  labelStatus: LabelStatus;
  status: SaveStatus;
  error: string | null;
  conflict: StoredAnnotations | null;
}

type Action =
  | { type: "execute"; command: Command }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "saving" }
  | { type: "saved"; version: number; doc: EditorState; labelStatus: LabelStatus }
  | { type: "failed"; error: string }
  | { type: "conflict"; current: StoredAnnotations }
  | { type: "load"; labels: StoredAnnotations }
  | { type: "rebase"; version: number; doc: EditorState };

const AUTOSAVE_DELAY_MS = 1_200;

function reducer(state: State, action: Action): State {
  // An edit during a conflict stays in the conflict until the user resolves it.
  const edited = (next: { state: EditorState; history: History }): State =>
    next.state === state.doc ? state : { ...state, doc: next.state, history: next.history, status: state.status === "conflict" ? "conflict" : "dirty" };
  switch (action.type) {
    case "execute":
      return edited(execute(state.doc, state.history, action.command));
    case "undo":
      return edited(undo(state.doc, state.history));
    case "redo":
      return edited(redo(state.doc, state.history));
    case "saving":
      return { ...state, status: "saving", error: null };
    case "saved":
      // Edits made while the request was in flight keep the editor dirty.
      return { ...state, version: action.version, saved: action.doc, labelStatus: action.labelStatus, status: state.doc === action.doc ? "saved" : "dirty" };
    case "failed":
      return { ...state, status: "error", error: action.error };
    case "conflict":
      return { ...state, status: "conflict", conflict: action.current };
    case "load": {
      const doc = { boxes: action.labels.set.boxes };
      return { ...state, doc, saved: doc, history: emptyHistory(), version: action.labels.version, labelStatus: action.labels.set.labelStatus, status: "saved", conflict: null, error: null };
    }
    case "rebase":
      return { ...state, doc: action.doc, version: action.version, conflict: null, status: "dirty" };
  }
}

/**
 * The editor's document: boxes, undo history, and saving. Saves are compare-and-set on the
 * image's version; a 409 keeps every local edit and asks the user how to resolve it.
 */
export function useLabelEditor(imageId: string, initial: StoredAnnotations) {
  const [state, dispatch] = useReducer(reducer, initial, (labels): State => {
    const doc = { boxes: labels.set.boxes };
    return { doc, saved: doc, history: emptyHistory(), version: labels.version, labelStatus: labels.set.labelStatus, status: "saved", error: null, conflict: null };
  });
  const latest = useRef(state);
  latest.current = state;
  // One save at a time: a second one would carry the same expected version and conflict with us.
  const inFlight = useRef(false);

  const send = useCallback(
    async (current: State, labelStatus?: LabelStatus): Promise<boolean> => {
      dispatch({ type: "saving" });
      const doc = current.doc;
      const result = await saveLabels(imageId, { expectedVersion: current.version, labelStatus, boxes: doc.boxes });
      if (result.kind === "conflict") dispatch({ type: "conflict", current: result.current });
      else if (result.kind === "failed") dispatch({ type: "failed", error: result.error });
      else dispatch({ type: "saved", version: result.version, doc, labelStatus: result.labelStatus });
      return result.kind === "saved";
    },
    [imageId],
  );

  const save = useCallback(
    async (labelStatus?: LabelStatus): Promise<boolean> => {
      const current = latest.current;
      if (inFlight.current || current.status === "conflict") return false;
      if (current.status === "saved" && !labelStatus) return true;
      inFlight.current = true;
      try {
        return await send(current, labelStatus);
      } finally {
        inFlight.current = false;
      }
    },
    [send],
  );

  // Autosave a moment after the last edit (and again after a save that edits overtook).
  useEffect(() => {
    if (state.status !== "dirty") return;
    const timer = setTimeout(() => void save(), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [state.status, state.doc, state.version, save]);

  // Leaving with unsaved edits asks first.
  useEffect(() => {
    if (state.status === "saved") return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [state.status]);

  const resolveConflict = useCallback(
    (choice: "theirs" | "mine" | "both") => {
      const { conflict, doc } = latest.current;
      if (!conflict) return;
      if (choice === "theirs") {
        dispatch({ type: "load", labels: conflict });
        return;
      }
      // "mine" saves my boxes on top of their version (their version stays in the history);
      // "both" keeps theirs and adds each of mine that does not overlap one of theirs.
      const boxes =
        choice === "mine"
          ? doc.boxes
          : [...conflict.set.boxes, ...doc.boxes.filter((mine) => !conflict.set.boxes.some((theirs) => theirs.className === mine.className && iou(theirs, mine) > 0.9))];
      dispatch({ type: "rebase", version: conflict.version, doc: { boxes } });
    },
    [],
  );

  return {
    state,
    run: useCallback((command: Command) => dispatch({ type: "execute", command }), []),
    undo: useCallback(() => dispatch({ type: "undo" }), []),
    redo: useCallback(() => dispatch({ type: "redo" }), []),
    save,
    load: useCallback((labels: StoredAnnotations) => dispatch({ type: "load", labels }), []),
    resolveConflict,
  };
}
