import { describe, expect, it } from "vitest";
import { controlKind, editorHearsKey, type FocusedControl } from "./editor-key-target";

const input = (type: string): FocusedControl => ({ tagName: "INPUT", type });

describe("which keys reach the editor", () => {
  it("keeps every key with a field being typed in", () => {
    for (const control of [input("text"), input("search"), input("email"), input("password"), input("number"), input(""), { tagName: "input" }, { tagName: "TEXTAREA" }, { tagName: "DIV", contentEditable: true }, { tagName: "div", role: "textbox" }]) {
      expect(controlKind(control)).toBe("text");
      for (const key of ["2", "l", "?", "d", "ArrowRight", "Escape", " "]) expect(editorHearsKey(control, key)).toBe(false);
    }
  });

  it("lets shortcuts through a focused slider, which keeps only the keys that move it", () => {
    const slider = input("range");
    for (const key of ["2", "l", "L", "?", "d", "p", "Tab", "Escape", "Delete", " "]) expect(editorHearsKey(slider, key)).toBe(true);
    for (const key of ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"]) expect(editorHearsKey(slider, key)).toBe(false);
    expect(editorHearsKey({ tagName: "div", role: "slider" }, "ArrowLeft")).toBe(false);
  });

  it("treats a drop-down built on a button (Radix Select) as a select", () => {
    const dropDown: FocusedControl = { tagName: "BUTTON", role: "combobox" };
    expect(controlKind(dropDown)).toBe("select");
    for (const key of ["1", "l", "?", "Tab"]) expect(editorHearsKey(dropDown, key)).toBe(true);
    for (const key of ["ArrowDown", "ArrowUp", " ", "Enter"]) expect(editorHearsKey(dropDown, key)).toBe(false);
    expect(controlKind({ tagName: "INPUT", type: "text", role: "combobox" })).toBe("text");
  });

  it("lets shortcuts through buttons, checkboxes, radios and a closed select", () => {
    for (const control of [{ tagName: "BUTTON" }, { tagName: "A" }, input("checkbox"), input("radio"), input("submit"), { tagName: "SELECT" }]) {
      for (const key of ["1", "3", "l", "?", "x", "Tab"]) expect(editorHearsKey(control, key)).toBe(true);
    }
  });

  it("leaves each control the keys that operate it", () => {
    expect(editorHearsKey({ tagName: "BUTTON" }, " ")).toBe(false);
    expect(editorHearsKey({ tagName: "BUTTON" }, "Enter")).toBe(false);
    expect(editorHearsKey({ tagName: "BUTTON" }, "ArrowRight")).toBe(true);
    expect(editorHearsKey(input("checkbox"), " ")).toBe(false);
    expect(editorHearsKey(input("checkbox"), "ArrowRight")).toBe(true);
    // a radio group moves its choice with the arrows (the class picker)
    expect(editorHearsKey(input("radio"), "ArrowDown")).toBe(false);
    expect(editorHearsKey({ tagName: "SELECT" }, "ArrowDown")).toBe(false);
  });

  it("hears everything when nothing in particular has focus", () => {
    expect(editorHearsKey(null, "ArrowRight")).toBe(true);
    expect(editorHearsKey({ tagName: "BODY" }, "ArrowRight")).toBe(true);
    expect(editorHearsKey({ tagName: "DIV" }, " ")).toBe(true);
    expect(controlKind({ tagName: "canvas" })).toBe("none");
  });
});
