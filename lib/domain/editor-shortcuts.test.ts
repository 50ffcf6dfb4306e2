import { describe, expect, it } from "vitest";
import { FACEMASK_CLASSES } from "./classes";
import { describeKeys, editorShortcuts, MAX_CLASS_SHORTCUTS, shortcutFor } from "./editor-shortcuts";

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

const SHORTCUTS = editorShortcuts(FACEMASK_CLASSES);
const actionFor = (event: ReturnType<typeof press>) => shortcutFor(event, SHORTCUTS)?.action ?? null;

describe("editor shortcuts", () => {
  it("never binds two actions to the same keys", () => {
    const combos = SHORTCUTS.map((s) => `${s.ctrl ? "C" : ""}${s.shift ? "S" : ""}-${s.key}`);
    expect(new Set(combos).size).toBe(combos.length);
    const actions = SHORTCUTS.map((s) => (s.action === "pickClass" ? `class${s.classIndex}` : s.action));
    expect(new Set(actions).size).toBe(SHORTCUTS.length);
  });

  it("maps presses to actions, modifiers included", () => {
    expect(shortcutFor(press("2"), SHORTCUTS)).toMatchObject({ action: "pickClass", classIndex: 1 });
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
    expect(actionFor(press("l"))).toBe("toggleLabels");
    expect(actionFor(press("L", { shiftKey: true }))).toBeNull();
  });

  it("describes keys for people", () => {
    expect(SHORTCUTS.map(describeKeys)).toContain("Ctrl+Shift+Z");
    expect(SHORTCUTS.map(describeKeys)).toContain("→");
    expect(SHORTCUTS.map(describeKeys)).toContain("L");
  });

  it("binds key N to class N of any class list, for its first nine classes", () => {
    const classes = ["with_mask", "without_mask", "mask_weared_incorrect", "face_shield", ...Array.from({ length: 8 }, (_, i) => `extra_${i}`)];
    const shortcuts = editorShortcuts(classes);
    expect(shortcutFor(press("4"), shortcuts)).toMatchObject({ action: "pickClass", classIndex: 3, description: "Class 4 (face_shield)" });
    const picks = shortcuts.filter((s) => s.action === "pickClass");
    expect(picks).toHaveLength(MAX_CLASS_SHORTCUTS);
    expect(picks.map((s) => s.key)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(picks[0]!.description).toBe("Class 1 (with_mask) for the selected box, or the next one");
    // a dataset with fewer classes leaves the other digits free
    expect(shortcutFor(press("3"), editorShortcuts(["a", "b"]))).toBeNull();
  });
});
