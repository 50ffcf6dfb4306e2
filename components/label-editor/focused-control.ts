import type { FocusedControl } from "@/lib/domain/editor-key-target";

/** The focused element of a key event, as editorHearsKey reads it. */
export function focusedControlOf(target: EventTarget | null): FocusedControl | null {
  if (!(target instanceof HTMLElement)) return null;
  return {
    tagName: target.tagName,
    // the property, not the attribute: an unknown type reads "text", as the browser treats it
    type: target instanceof HTMLInputElement ? target.type : null,
    role: target.getAttribute("role"),
    contentEditable: target.isContentEditable,
  };
}
