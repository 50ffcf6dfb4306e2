/**
 * Whether a key press reaches the box editor's shortcuts or stays with the focused control.
 * Only typing keeps every key: a text field, a textarea, anything contenteditable. Other
 * controls keep just the keys that operate them natively, so touching the threshold slider or
 * a button no longer switches the editor's keyboard off.
 *
 * Arrow keys on a focused slider (and radio, and closed select) move the control, not the
 * image: the editor's ←/→ duplicate A/D, while a slider without its arrows cannot be set from
 * the keyboard at all. Tab is not kept: the editor selects the next box with it everywhere
 * outside a text field, as it always has on buttons.
 */

/** What the key handler needs to know of the focused element; the component reads it from the DOM. */
export interface FocusedControl {
  /** the element's tag name, any case: "INPUT", "button" */
  tagName: string;
  /** an input's type attribute ("" or absent means text) */
  type?: string | null;
  /** an explicit ARIA role, for widgets that are not native controls */
  role?: string | null;
  /** true inside contenteditable (HTMLElement.isContentEditable) */
  contentEditable?: boolean;
}

export type ControlKind = "text" | "slider" | "radio" | "select" | "toggle" | "activator" | "none";

/** Input types a person types characters into. */
const TEXT_INPUT_TYPES: ReadonlySet<string> = new Set(["", "text", "search", "email", "password", "number", "url", "tel", "date", "datetime-local", "month", "week", "time"]);

const ROLE_KINDS: Readonly<Record<string, ControlKind>> = {
  textbox: "text",
  searchbox: "text",
  spinbutton: "text",
  slider: "slider",
  radio: "radio",
  listbox: "select",
  checkbox: "toggle",
  switch: "toggle",
  button: "activator",
  link: "activator",
  menuitem: "activator",
  tab: "activator",
};

export function controlKind(control: FocusedControl): ControlKind {
  if (control.contentEditable) return "text";
  const tag = control.tagName.toLowerCase();
  if (tag === "textarea") return "text";
  if (tag === "select") return "select";
  if (tag === "input") {
    const type = (control.type ?? "").toLowerCase();
    if (TEXT_INPUT_TYPES.has(type)) return "text";
    if (type === "range") return "slider";
    if (type === "radio") return "radio";
    if (type === "checkbox") return "toggle";
    return "activator"; // button, submit, reset, file, color, image
  }
  // A drop-down built on a button (role="combobox", as Radix's Select) operates like a select.
  if (control.role?.toLowerCase() === "combobox" && tag !== "input") return "select";
  if (tag === "button" || tag === "a" || tag === "summary") return "activator";
  return (control.role && ROLE_KINDS[control.role.toLowerCase()]) || "none";
}

const ARROWS = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"];

/** The keys each kind of control operates with; every other key is the editor's. */
const KEPT_KEYS: Record<Exclude<ControlKind, "text">, ReadonlySet<string>> = {
  slider: new Set([...ARROWS, "Home", "End", "PageUp", "PageDown"]),
  radio: new Set([...ARROWS, " "]),
  select: new Set([...ARROWS, "Home", "End", "PageUp", "PageDown", " ", "Enter"]),
  toggle: new Set([" "]),
  activator: new Set([" ", "Enter"]),
  none: new Set(),
};

/** True when the editor should act on `key` (KeyboardEvent.key) pressed while `focused` has focus (null: nothing, or the page). */
export function editorHearsKey(focused: FocusedControl | null, key: string): boolean {
  if (!focused) return true;
  const kind = controlKind(focused);
  if (kind === "text") return false;
  return !KEPT_KEYS[kind].has(key);
}
