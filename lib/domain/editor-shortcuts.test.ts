import { describe, expect, it } from "vitest";
import { actionFor, describeKeys, SHORTCUTS } from "./editor-shortcuts";

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe("editor shortcuts", () => {
  it("never binds two actions to the same keys", () => {
    const combos = SHORTCUTS.map((s) => `${s.ctrl ? "C" : ""}${s.shift ? "S" : ""}-${s.key}`);
    expect(new Set(combos).size).toBe(combos.length);
    expect(new Set(SHORTCUTS.map((s) => s.action)).size).toBe(SHORTCUTS.length);
  });

  it("maps presses to actions, modifiers included", () => {
    expect(actionFor(press("2"))).toBe("class2");
    expect(actionFor(press("d"))).toBe("next");
    expect(actionFor(press("D", { shiftKey: true }))).toBeNull();
    expect(actionFor(press("d", { ctrlKey: true }))).toBe("duplicate");
    expect(actionFor(press("z", { metaKey: true }))).toBe("undo");
    expect(actionFor(press("Z", { ctrlKey: true, shiftKey: true }))).toBe("redo");
    expect(actionFor(press("Backspace"))).toBe("delete");
    expect(actionFor(press("?", { shiftKey: true }))).toBe("help");
    expect(actionFor(press("Tab", { shiftKey: true }))).toBe("selectNext");
    expect(actionFor(press("d", { altKey: true }))).toBeNull();
    expect(actionFor(press("q"))).toBeNull();
  });

  it("describes keys for people", () => {
    expect(SHORTCUTS.map(describeKeys)).toContain("Ctrl+Shift+Z");
    expect(SHORTCUTS.map(describeKeys)).toContain("→");
  });
});
