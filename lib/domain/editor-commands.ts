import type { AnnotatedBox } from "./annotation-set";
import type { BoxSource } from "./states";

/**
 * The editor's command model: every user action (toolbar, hotkey, drag) becomes one Command
 * value, applied to an immutable state; undo applies its inverse. Commands carry what they
 * change (before and after), so inverting needs no access to old state.
 */
export interface EditorBox extends AnnotatedBox {
  /** stable within the editing session; stored boxes keep their database id */
  id: string;
  source: BoxSource;
}

export interface EditorState {
  boxes: EditorBox[];
}

export type BoxPatch = Partial<Omit<EditorBox, "id">>;

export type Command =
  | { type: "add"; label: string; box: EditorBox; index: number }
  | { type: "delete"; label: string; box: EditorBox; index: number }
  | { type: "update"; label: string; id: string; before: BoxPatch; after: BoxPatch }
  | { type: "batch"; label: string; commands: Command[] };

export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}

export function addBox(state: EditorState, box: EditorBox, label = "Add box"): Command {
  return { type: "add", label, box, index: state.boxes.length };
}

export function deleteBox(state: EditorState, id: string, label = "Delete box"): Command {
  const index = state.boxes.findIndex((b) => b.id === id);
  if (index < 0) throw new CommandError(`no box ${id}`);
  return { type: "delete", label, box: state.boxes[index]!, index };
}

/** Changes some fields of a box; an edit by hand makes a model's suggestion a human box. */
export function updateBox(state: EditorState, id: string, patch: BoxPatch, label = "Edit box"): Command {
  const box = state.boxes.find((b) => b.id === id);
  if (!box) throw new CommandError(`no box ${id}`);
  const after: BoxPatch = { ...patch, ...(patch.source === undefined && box.source === "model" ? { source: "human" as const } : {}) };
  const before = Object.fromEntries(Object.keys(after).map((key) => [key, box[key as keyof EditorBox]])) as BoxPatch;
  return { type: "update", label, id, before, after };
}

export function batch(label: string, commands: Command[]): Command {
  return { type: "batch", label, commands };
}

export function applyCommand(state: EditorState, command: Command): EditorState {
  switch (command.type) {
    case "add": {
      if (state.boxes.some((b) => b.id === command.box.id)) throw new CommandError(`box ${command.box.id} exists already`);
      const boxes = [...state.boxes];
      boxes.splice(Math.min(command.index, boxes.length), 0, command.box);
      return { ...state, boxes };
    }
    case "delete":
      if (!state.boxes.some((b) => b.id === command.box.id)) throw new CommandError(`no box ${command.box.id}`);
      return { ...state, boxes: state.boxes.filter((b) => b.id !== command.box.id) };
    case "update":
      if (!state.boxes.some((b) => b.id === command.id)) throw new CommandError(`no box ${command.id}`);
      return { ...state, boxes: state.boxes.map((b) => (b.id === command.id ? { ...b, ...command.after } : b)) };
    case "batch":
      return command.commands.reduce(applyCommand, state);
  }
}

export function invertCommand(command: Command): Command {
  switch (command.type) {
    case "add":
      return { type: "delete", label: command.label, box: command.box, index: command.index };
    case "delete":
      return { type: "add", label: command.label, box: command.box, index: command.index };
    case "update":
      return { type: "update", label: command.label, id: command.id, before: command.after, after: command.before };
    case "batch":
      return { type: "batch", label: command.label, commands: command.commands.map(invertCommand).reverse() };
  }
}

/** Undo/redo over every command of the session. */
export interface History {
  past: Command[];
  future: Command[];
}

export const MAX_HISTORY = 1_000;
export const emptyHistory = (): History => ({ past: [], future: [] });

export function execute(state: EditorState, history: History, command: Command): { state: EditorState; history: History } {
  return { state: applyCommand(state, command), history: { past: [...history.past, command].slice(-MAX_HISTORY), future: [] } };
}

export function undo(state: EditorState, history: History): { state: EditorState; history: History } {
  const command = history.past[history.past.length - 1];
  if (!command) return { state, history };
  return { state: applyCommand(state, invertCommand(command)), history: { past: history.past.slice(0, -1), future: [command, ...history.future] } };
}

export function redo(state: EditorState, history: History): { state: EditorState; history: History } {
  const command = history.future[0];
  if (!command) return { state, history };
  return { state: applyCommand(state, command), history: { past: [...history.past, command], future: history.future.slice(1) } };
}
