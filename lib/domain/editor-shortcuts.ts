/**
 * The box editor's keyboard map: one table that the key handler, the toolbar titles and the
 * help overlay (?) all read, so they cannot disagree. Keys are matched on KeyboardEvent.key
 * (lower-cased) plus modifiers. Keys 1–9 pick the dataset's classes in order, generated from
 * its class list, so a dataset with more classes gets more keys.
 */
export type EditorCommand =
  | "delete"
  | "undo"
  | "redo"
  | "redoAlt"
  | "save"
  | "next"
  | "nextArrow"
  | "previous"
  | "previousArrow"
  | "duplicate"
  | "copyPrevious"
  | "toggleDifficult"
  | "toggleOccluded"
  | "toggleTruncated"
  | "selectNext"
  | "deselect"
  | "fit"
  | "toggleLabels"
  | "help"
  | "approve"
  | "reject"
  | "preview"
  | "prelabel"
  | "acceptSuggestion"
  | "rejectSuggestion"
  | "acceptAllSuggestions";

interface KeyBinding {
  key: string;
  ctrl?: boolean;
  shift?: boolean;
  description: string;
}

/** A command, or picking the class at `classIndex` of the dataset's list. */
export type Shortcut = KeyBinding & ({ action: EditorCommand } | { action: "pickClass"; classIndex: number });

/** Digits 1–9 pick classes; a tenth class and beyond are picked with the mouse. */
export const MAX_CLASS_SHORTCUTS = 9;

/** Key N picks class N of the list, for its first MAX_CLASS_SHORTCUTS classes. */
function classShortcuts(classes: readonly string[]): Shortcut[] {
  return classes.slice(0, MAX_CLASS_SHORTCUTS).map((name, i) => ({
    action: "pickClass",
    classIndex: i,
    key: String(i + 1),
    description: i === 0 ? `Class 1 (${name}) for the selected box, or the next one` : `Class ${i + 1} (${name})`,
  }));
}

const COMMAND_SHORTCUTS: readonly Shortcut[] = [
  { action: "delete", key: "delete", description: "Delete the selected box (Backspace too)" },
  { action: "undo", key: "z", ctrl: true, description: "Undo" },
  { action: "redo", key: "z", ctrl: true, shift: true, description: "Redo" },
  { action: "redoAlt", key: "y", ctrl: true, description: "Redo" },
  { action: "save", key: "s", ctrl: true, description: "Save now (edits also save by themselves)" },
  { action: "next", key: "d", description: "Next image of the list" },
  { action: "nextArrow", key: "arrowright", description: "Next image" },
  { action: "previous", key: "a", description: "Previous image of the list" },
  { action: "previousArrow", key: "arrowleft", description: "Previous image" },
  { action: "duplicate", key: "d", ctrl: true, description: "Duplicate the selected box" },
  { action: "copyPrevious", key: "c", shift: true, description: "Copy the boxes of the previous image" },
  { action: "toggleDifficult", key: "x", description: "Toggle difficult on the selected box" },
  { action: "toggleOccluded", key: "o", description: "Toggle occluded" },
  { action: "toggleTruncated", key: "t", description: "Toggle truncated" },
  { action: "selectNext", key: "tab", description: "Select the next box (Shift+Tab: previous)" },
  { action: "deselect", key: "escape", description: "Deselect / cancel drawing" },
  { action: "fit", key: "f", description: "Fit the image to the screen" },
  { action: "toggleLabels", key: "l", description: "Class names on every box, or only on the hovered and selected one" },
  { action: "help", key: "?", shift: true, description: "Show this help" },
  { action: "approve", key: "enter", ctrl: true, description: "Review: approve the image" },
  { action: "reject", key: "r", shift: true, description: "Review: reject (needs fix) with a comment" },
  { action: "preview", key: "p", description: "Model preview on/off: its detections over the image, labels untouched" },
  { action: "prelabel", key: "p", shift: true, description: "Pre-label: turn the model's detections into suggestions" },
  { action: "acceptSuggestion", key: "y", description: "Accept the highlighted suggestion as a box" },
  { action: "rejectSuggestion", key: "n", description: "Reject the highlighted suggestion" },
  { action: "acceptAllSuggestions", key: "y", shift: true, description: "Accept all suggestions" },
];

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Every shortcut of an editor labelling these classes: the class keys first, then the commands. */
export function editorShortcuts(classes: readonly string[]): Shortcut[] {
  return [...classShortcuts(classes), ...COMMAND_SHORTCUTS];
}

/** The shortcut a key press triggers, or null. Backspace deletes too; Shift+Tab goes backwards. */
export function shortcutFor(event: KeyPress, shortcuts: readonly Shortcut[]): Shortcut | null {
  if (event.altKey) return null;
  const key = event.key.toLowerCase() === "backspace" ? "delete" : event.key.toLowerCase();
  const ctrl = event.ctrlKey || event.metaKey;
  // "?" arrives already shifted on most layouts; Tab keeps its action with or without Shift.
  const shiftMatters = key !== "?" && key !== "tab";
  return shortcuts.find((s) => s.key === key && Boolean(s.ctrl) === ctrl && (!shiftMatters || Boolean(s.shift) === event.shiftKey)) ?? null;
}

/** "Ctrl+Shift+Z" for the help overlay and tooltips. */
export function describeKeys(shortcut: Shortcut): string {
  const name = shortcut.key.length === 1 ? shortcut.key.toUpperCase() : shortcut.key[0]!.toUpperCase() + shortcut.key.slice(1);
  const shift = shortcut.shift && shortcut.key !== "?" ? "Shift+" : "";
  return `${shortcut.ctrl ? "Ctrl+" : ""}${shift}${name.replace("Arrowright", "→").replace("Arrowleft", "←")}`;
}
