import { describe, expect, it } from "vitest";
import {
  addBox,
  applyCommand,
  batch,
  CommandError,
  deleteBox,
  emptyHistory,
  execute,
  invertCommand,
  redo,
  undo,
  updateBox,
  type EditorBox,
  type EditorState,
} from "./editor-commands";

const box = (id: string, className = "with_mask", source: EditorBox["source"] = "human"): EditorBox => ({
  id,
  className,
  xmin: 0,
  ymin: 0,
  xmax: 10,
  ymax: 10,
  difficult: false,
  truncated: false,
  occluded: false,
  source,
});
const start: EditorState = { boxes: [box("a"), box("b"), box("c")] };

describe("commands", () => {
  it("add, delete and update, each undone exactly by its inverse", () => {
    for (const command of [addBox(start, box("d")), deleteBox(start, "b"), updateBox(start, "c", { className: "without_mask", xmax: 20 })]) {
      const after = applyCommand(start, command);
      expect(after).not.toEqual(start);
      expect(applyCommand(after, invertCommand(command))).toEqual(start);
    }
  });

  it("restores a deleted box at its old position", () => {
    const after = applyCommand(start, deleteBox(start, "a"));
    expect(applyCommand(after, invertCommand(deleteBox(start, "a"))).boxes.map((b) => b.id)).toEqual(["a", "b", "c"]);
  });

  it("turns a model suggestion into a human box when edited", () => {
    const state = { boxes: [box("m", "with_mask", "model")] };
    const after = applyCommand(state, updateBox(state, "m", { xmax: 30 }));
    expect(after.boxes[0]).toMatchObject({ xmax: 30, source: "human" });
    expect(applyCommand(after, invertCommand(updateBox(state, "m", { xmax: 30 }))).boxes[0]).toMatchObject({ xmax: 10, source: "model" });
  });

  it("batches apply in order and undo in reverse", () => {
    const first = addBox(start, box("d"));
    const command = batch("Paste", [first, updateBox(applyCommand(start, first), "d", { className: "without_mask" })]);
    const after = applyCommand(start, command);
    expect(after.boxes.find((b) => b.id === "d")?.className).toBe("without_mask");
    expect(applyCommand(after, invertCommand(command))).toEqual(start);
  });

  it("refuses commands that do not fit the state", () => {
    expect(() => deleteBox(start, "zzz")).toThrow(CommandError);
    expect(() => applyCommand(start, addBox(start, box("a")))).toThrow(/exists already/);
  });
});

describe("history", () => {
  it("undoes and redoes any sequence, and a new command clears redo", () => {
    let state = start;
    let history = emptyHistory();
    const states = [state];
    for (const make of [(s: EditorState) => addBox(s, box("d")), (s: EditorState) => updateBox(s, "a", { ymax: 99 }), (s: EditorState) => deleteBox(s, "b")]) {
      ({ state, history } = execute(state, history, make(state)));
      states.push(state);
    }
    for (let i = states.length - 2; i >= 0; i--) {
      ({ state, history } = undo(state, history));
      expect(state).toEqual(states[i]);
    }
    expect(undo(state, history).state).toBe(state);
    ({ state, history } = redo(state, history));
    ({ state, history } = redo(state, history));
    expect(state).toEqual(states[2]);
    ({ state, history } = execute(state, history, deleteBox(state, "c")));
    expect(history.future).toEqual([]);
    expect(redo(state, history).state).toBe(state);
  });
});
