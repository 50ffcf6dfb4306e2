"use client";

import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { StoredAnnotations } from "@/lib/contracts/http/labels";
import { meetsMinimumBoxSize, MIN_BOX_SIZE, type PixelBox } from "@/lib/domain/box";
import { classColor, classLabel } from "@/lib/domain/classes";
import { formatNumber } from "@/lib/presentation/format";
import { LABEL_STATUS_WORDS } from "@/lib/presentation/status-words";
import { Select } from "../ui/select";
import { StatePill } from "../ui/state-pill";
import { addBox, batch, deleteBox, updateBox, type EditorBox } from "@/lib/domain/editor-commands";
import { editorHearsKey } from "@/lib/domain/editor-key-target";
import { boxSizeText, DEFAULT_LABEL_MODE, isLabelMode, LABEL_MODE_TEXT, nextLabelMode, type LabelMode } from "@/lib/domain/editor-labels";
import { editorShortcuts, shortcutFor } from "@/lib/domain/editor-shortcuts";
import { ClassSwatch } from "../class-swatch";
import { focusedControlOf } from "./focused-control";
import { HelpDialog } from "./help-dialog";
import { HistoryPanel } from "./history-panel";
import { RejectDialog, ReviewComments } from "./review-panel";
import { fetchLabels, useResolveComments } from "../api-hooks";
import { useLabelEditor } from "./use-label-editor";
import { ModelAssistPanel, type ModelChoice } from "./model-assist-panel";
import { useModelAssist } from "./use-model-assist";

// Konva needs a real canvas: the canvas renders in the browser only.
const EditorCanvas = dynamic(() => import("./editor-canvas"), { ssr: false, loading: () => <div className="editor-canvas">loading the canvas…</div> });

interface Props {
  imageId: string;
  width: number;
  height: number;
  classes: string[];
  initial: StoredAnnotations;
  previousHref: string | null;
  nextHref: string | null;
  previousImageId: string | null;
  nextImageId: string | null;
  /** reviewers and up may approve or send back; annotators see neither (the server refuses them too) */
  canReview: boolean;
  /** model versions to preview and pre-label with, in the browser */
  models?: ModelChoice[];
}

const newId = () => crypto.randomUUID();

/** Where the browser remembers the label mode, so it holds from one image to the next. */
const LABEL_MODE_KEY = "masklab.editor.labelMode";

/** Image-pixel coordinates for a tooltip: the list shows the class and the size instead. */
const coordinatesOf = (b: EditorBox) => `x ${Math.round(b.xmin)}–${Math.round(b.xmax)}, y ${Math.round(b.ymin)}–${Math.round(b.ymax)} (image pixels)`;

/** A box's flags after its class and size: "difficult · (model)". */
const flagsOf = (b: EditorBox) =>
  [b.difficult && "difficult", b.occluded && "occluded", b.truncated && "truncated", b.source === "model" && "(model)"].filter(Boolean).join(" · ");

/** The keyboard-first box editor: canvas, box list, shortcuts, saving, history and review. */
export function LabelEditor({ imageId, width, height, classes, initial, previousHref, nextHref, previousImageId, nextImageId, canReview, models = [] }: Props) {
  const router = useRouter();
  const editor = useLabelEditor(imageId, initial);
  const { state, run } = editor;
  const boxes = state.doc.boxes;
  const shortcuts = useMemo(() => editorShortcuts(classes), [classes]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [hoveredId, setHoveredId] = useState<string | null>(null);
  const [labelMode, setLabelMode] = useState<LabelMode>(DEFAULT_LABEL_MODE);
  const boxListRef = useRef<HTMLOListElement>(null);
  const [activeClass, setActiveClass] = useState(classes[0] ?? "");
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [fitSignal, setFitSignal] = useState(0);
  const [help, setHelp] = useState(false);
  const [rejecting, setRejecting] = useState(false);
  const [drawMode, setDrawMode] = useState<"drag" | "clicks">("drag");
  const [panelOpen, setPanelOpen] = useRememberedPanel();
  const resolveComments = useResolveComments(imageId);
  const selected = boxes.find((b) => b.id === selectedId) ?? null;
  const image = useMemo(() => ({ width, height }), [width, height]);
  const assist = useModelAssist(imageId, image, models.find((m) => m.production)?.id ?? models[0]?.id ?? "");
  // The suggestion Y and N act on: the surest one left.
  const focusedSuggestion = assist.suggestions[0] ?? null;
  const acceptSuggestions = useCallback(
    (ids: readonly string[]) => {
      const chosen = assist.suggestions.filter((s) => ids.includes(s.id));
      if (chosen.length === 0) return;
      let doc = state.doc;
      const commands = chosen.map((s) => {
        const box: EditorBox = { id: newId(), ...s.box, className: s.className, difficult: false, truncated: false, occluded: false, source: "model" };
        const command = addBox(doc, box, "Accept suggestion");
        doc = { boxes: [...doc.boxes, box] };
        return command;
      });
      run(commands.length === 1 ? commands[0]! : batch(`Accept ${commands.length} suggestions`, commands));
      for (const s of chosen) assist.dismiss(s.id);
    },
    [assist, run, state.doc],
  );

  // The label mode is read after hydration (the server cannot know it) and written on each change.
  useEffect(() => {
    const stored = window.localStorage.getItem(LABEL_MODE_KEY);
    if (isLabelMode(stored)) setLabelMode(stored);
  }, []);
  const toggleLabelMode = useCallback(() => {
    setLabelMode((mode) => {
      const next = nextLabelMode(mode);
      window.localStorage.setItem(LABEL_MODE_KEY, next);
      return next;
    });
  }, []);

  // A box selected on the canvas scrolls into view in the list (83 boxes do not fit the panel).
  useEffect(() => {
    if (!selectedId) return;
    boxListRef.current?.querySelector(`[data-box-id="${CSS.escape(selectedId)}"]`)?.scrollIntoView({ block: "nearest" });
  }, [selectedId]);

  // The next image's page and pixels load while this one is edited.
  useEffect(() => {
    if (nextHref) router.prefetch(nextHref);
    if (nextImageId) new window.Image().src = `/api/images/${nextImageId}/file`;
  }, [router, nextHref, nextImageId]);

  const go = useCallback(
    async (href: string | null) => {
      if (!href) return;
      if (state.status !== "saved" && !(await editor.save())) return;
      router.push(href);
    },
    [editor, router, state.status],
  );

  const create = useCallback(
    (box: PixelBox) => {
      const id = newId();
      run(addBox(state.doc, { id, ...box, className: activeClass, difficult: false, truncated: false, occluded: false, source: "human" }, "Draw box"));
      setSelectedId(id);
    },
    [run, state.doc, activeClass],
  );

  const copyPrevious = useCallback(async () => {
    if (!previousImageId) return;
    const previous = await fetchLabels(previousImageId).catch(() => null);
    if (!previous) return;
    const copies = previous.set.boxes
      .map((b) => ({ ...b, id: newId(), source: "human" as const, xmin: Math.min(b.xmin, width - MIN_BOX_SIZE), ymin: Math.min(b.ymin, height - MIN_BOX_SIZE), xmax: Math.min(b.xmax, width), ymax: Math.min(b.ymax, height) }))
      .filter(meetsMinimumBoxSize);
    let doc = state.doc;
    const commands = copies.map((b) => {
      const command = addBox(doc, b, "Copy box");
      doc = { boxes: [...doc.boxes, b] };
      return command;
    });
    if (commands.length > 0) run(batch(`Copy ${commands.length} boxes from the previous image`, commands));
  }, [previousImageId, width, height, state.doc, run]);

  const approve = useCallback(async () => {
    if (await editor.save("reviewed")) await go(nextHref);
  }, [editor, go, nextHref]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!editorHearsKey(focusedControlOf(event.target), event.key)) return;
      const shortcut = shortcutFor(event, shortcuts);
      if (!shortcut) return;
      // Behind an open modal only ? acts (it closes the help); Escape and Tab stay the dialog's.
      if ((help || rejecting) && shortcut.action !== "help") return;
      event.preventDefault();
      if (shortcut.action === "pickClass") {
        const className = classes[shortcut.classIndex];
        if (!className) return;
        setActiveClass(className);
        if (selected && selected.className !== className) run(updateBox(state.doc, selected.id, { className }, `Class ${classLabel(className)}`));
        return;
      }
      switch (shortcut.action) {
        case "delete":
          if (selected) {
            run(deleteBox(state.doc, selected.id));
            setSelectedId(null);
          }
          return;
        case "undo":
          return editor.undo();
        case "redo":
        case "redoAlt":
          return editor.redo();
        case "save":
          return void editor.save();
        case "next":
        case "nextArrow":
          return void go(nextHref);
        case "previous":
        case "previousArrow":
          return void go(previousHref);
        case "duplicate":
          // A copy is a new box: held to the minimum even when the original (an imported one) is smaller.
          if (selected && meetsMinimumBoxSize(selected)) {
            const id = newId();
            const offset = Math.min(10, width - selected.xmax, height - selected.ymax);
            run(addBox(state.doc, { ...selected, id, source: "human", xmin: selected.xmin + offset, ymin: selected.ymin + offset, xmax: selected.xmax + offset, ymax: selected.ymax + offset }, "Duplicate box"));
            setSelectedId(id);
          }
          return;
        case "copyPrevious":
          return void copyPrevious();
        case "toggleDifficult":
        case "toggleOccluded":
        case "toggleTruncated": {
          const flag = ({ toggleDifficult: "difficult", toggleOccluded: "occluded", toggleTruncated: "truncated" } as const)[shortcut.action];
          if (selected) run(updateBox(state.doc, selected.id, { [flag]: !selected[flag] }, `Toggle ${flag}`));
          return;
        }
        case "selectNext": {
          const visible = boxes.filter((b) => !hidden.has(b.className));
          if (visible.length === 0) return;
          const at = visible.findIndex((b) => b.id === selectedId);
          const step = event.shiftKey ? -1 : 1;
          setSelectedId(visible[(at + step + visible.length) % visible.length]!.id);
          return;
        }
        case "deselect":
          return setSelectedId(null);
        case "fit":
          return setFitSignal((n) => n + 1);
        case "toggleLabels":
          return toggleLabelMode();
        case "help":
          return setHelp((open) => !open);
        case "preview":
          return void assist.togglePreview();
        case "prelabel":
          return void assist.prelabel(boxes);
        case "acceptSuggestion":
          return focusedSuggestion ? acceptSuggestions([focusedSuggestion.id]) : undefined;
        case "rejectSuggestion":
          return focusedSuggestion ? assist.dismiss(focusedSuggestion.id) : undefined;
        case "acceptAllSuggestions":
          return acceptSuggestions(assist.suggestions.map((s) => s.id));
        case "approve":
          return canReview ? void approve() : undefined;
        case "reject":
          if (!canReview) return;
          return setRejecting(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [acceptSuggestions, approve, assist, boxes, canReview, classes, copyPrevious, editor, focusedSuggestion, go, height, help, hidden, nextHref, previousHref, rejecting, run, selected, selectedId, shortcuts, state.doc, toggleLabelMode, width]);

  const counts = useMemo(() => boxes.reduce<Record<string, number>>((acc, b) => ({ ...acc, [b.className]: (acc[b.className] ?? 0) + 1 }), {}), [boxes]);
  const statusText = { saved: "All changes saved", dirty: "Unsaved changes", saving: "Saving…", error: state.error ?? "Saving failed", conflict: "Conflict: someone else saved" }[state.status];

  return (
    <div className={panelOpen ? "editor-layout" : "editor-layout panel-closed"}>
      <div className="editor-main">
        <div className="editor-toolbar" role="toolbar" aria-label="Editor">
          <span className={`save-status save-${state.status}`} role="status" data-testid="save-status">
            {statusText} · v{state.version}
          </span>
          <button type="button" onClick={() => editor.undo()} disabled={state.history.past.length === 0} title="Undo (Ctrl+Z)">
            Undo
          </button>
          <button type="button" onClick={() => editor.redo()} disabled={state.history.future.length === 0} title="Redo (Ctrl+Shift+Z)">
            Redo
          </button>
          <button type="button" onClick={() => void editor.save()} disabled={state.status === "saved"} title="Save (Ctrl+S)">
            Save
          </button>
          <button type="button" onClick={() => setFitSignal((n) => n + 1)} title="Fit (F)">
            Fit
          </button>
          <Select
            aria-label="Draw boxes by"
            value={drawMode}
            onValueChange={(value) => setDrawMode(value as "drag" | "clicks")}
            options={[
              { value: "drag", label: "Draw by dragging" },
              { value: "clicks", label: "Draw by two clicks" },
            ]}
          />
          <button type="button" className="secondary" onClick={toggleLabelMode} aria-pressed={labelMode === "all"} data-testid="label-mode" data-label-mode={labelMode} title="Class names on every box, or only on the hovered and selected one (L)">
            {LABEL_MODE_TEXT[labelMode]}
          </button>
          <button type="button" onClick={() => setHelp(true)} title="Shortcuts (?)">
            ?
          </button>
          <span className="spacer" />
          <span data-testid="label-status" title="This image's label status">
            <StatePill word={LABEL_STATUS_WORDS[state.labelStatus]} />
          </span>
          <button type="button" className="secondary" onClick={() => setPanelOpen((open) => !open)} aria-expanded={panelOpen} aria-controls="editor-side" title="Show or hide the side panel, giving the photo the width">
            {panelOpen ? "Hide panel" : "Show panel"}
          </button>
          {state.labelStatus === "needs_fix" ? (
            <button
              type="button"
              onClick={async () => {
                if (await editor.save("labeled")) resolveComments.mutate();
              }}
              title="Back to the review queue, comments resolved"
            >
              Mark fixed
            </button>
          ) : null}
          {canReview ? (
            <>
              <button type="button" onClick={() => void approve()} title="Approve and open the next image (Ctrl+Enter)">
                Approve
              </button>
              <button type="button" className="secondary" onClick={() => setRejecting(true)} title="Needs fix, with a comment (Shift+R)">
                Needs fix
              </button>
            </>
          ) : null}
        </div>
        <EditorCanvas
          imageUrl={`/api/images/${imageId}/file`}
          width={width}
          height={height}
          boxes={boxes}
          hiddenClasses={hidden}
          selectedId={selectedId}
          hoveredId={hoveredId}
          labelMode={labelMode}
          fitSignal={fitSignal}
          drawMode={drawMode}
          onSelect={setSelectedId}
          onHover={setHoveredId}
          onCreate={create}
          onChange={(id, box) => run(updateBox(state.doc, id, box, "Move or resize box"))}
          overlay={[
            ...assist.preview.map((d, i) => ({ id: `p${i}`, className: d.className, score: d.score, box: d.box, focused: false })),
            ...assist.suggestions.map((s) => ({ id: s.id, className: s.className, score: s.score, box: s.box, focused: s.id === focusedSuggestion?.id })),
          ]}
        />
      </div>
      <aside className="editor-side" id="editor-side" hidden={!panelOpen}>
        <fieldset className="class-picker">
          <legend>Class for the selected or next box</legend>
          {classes.map((c, i) => (
            <label key={c} className="class-choice">
              <input
                type="radio"
                name="active-class"
                checked={(selected?.className ?? activeClass) === c}
                onChange={() => {
                  setActiveClass(c);
                  if (selected) run(updateBox(state.doc, selected.id, { className: c }, `Class ${classLabel(c)}`));
                }}
              />
              <span className="dot" style={{ background: classColor(c) }} /> <kbd title={`press ${i + 1}`}>{i + 1}</kbd> {classLabel(c)} <span className="muted">({formatNumber(counts[c] ?? 0)})</span>
              <button
                type="button"
                className="link"
                onClick={() => setHidden((h) => (h.has(c) ? new Set([...h].filter((x) => x !== c)) : new Set([...h, c])))}
                aria-pressed={hidden.has(c)}
              >
                {hidden.has(c) ? "show" : "hide"}
              </button>
            </label>
          ))}
        </fieldset>
        <h2>Boxes ({formatNumber(boxes.length)})</h2>
        <ol className="box-list" data-testid="box-list" ref={boxListRef} onMouseLeave={() => setHoveredId(null)}>
          {boxes.map((b) => (
            <li
              key={b.id}
              className={b.id === selectedId ? "selected" : b.id === hoveredId ? "hovered" : undefined}
              aria-current={b.id === selectedId ? "true" : undefined}
              data-box-id={b.id}
              data-class={b.className}
              data-box={[b.xmin, b.ymin, b.xmax, b.ymax].map(Math.round).join(",")}
            >
              <button type="button" className="box-item" onClick={() => setSelectedId(b.id)} onMouseEnter={() => setHoveredId(b.id)} title={coordinatesOf(b)} aria-pressed={b.id === selectedId}>
                <ClassSwatch name={b.className} />
                <span className="box-size">{boxSizeText(b)}</span>
                {flagsOf(b) ? <span className="box-flags">{flagsOf(b)}</span> : null}
              </button>
            </li>
          ))}
        </ol>
        <ModelAssistPanel assist={assist} models={models} labels={boxes} focusedId={focusedSuggestion?.id ?? null} onAccept={(id) => acceptSuggestions([id])} onAcceptAll={() => acceptSuggestions(assist.suggestions.map((s) => s.id))} />
        <ReviewComments imageId={imageId} onSelectBox={setSelectedId} />
        <HistoryPanel imageId={imageId} version={state.version} onRestored={editor.load} />
      </aside>
      {state.status === "conflict" && state.conflict ? (
        <div className="dialog" role="dialog" aria-label="Conflict">
          <h2>Someone else saved this image</h2>
          <p>Nothing is lost whichever you choose: every saved version stays in the history.</p>
          <div className="versions">
            {[
              { title: `Theirs (v${state.conflict.version})`, list: state.conflict.set.boxes },
              { title: "Yours (unsaved)", list: boxes },
            ].map((side) => (
              <div key={side.title}>
                <h3>
                  {side.title}: {side.list.length} boxes
                </h3>
                <ul className="plain small">
                  {side.list.map((b) => (
                    <li key={b.id} title={coordinatesOf(b)}>
                      <ClassSwatch name={b.className} /> {boxSizeText(b)}
                      {flagsOf(b) ? ` · ${flagsOf(b)}` : ""}
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </div>
          <div className="dialog-actions">
            <button type="button" onClick={() => editor.resolveConflict("both")}>
              Merge (theirs + my new boxes)
            </button>
            <button type="button" onClick={() => editor.resolveConflict("mine")}>
              Keep mine
            </button>
            <button type="button" className="secondary" onClick={() => editor.resolveConflict("theirs")}>
              Take theirs
            </button>
          </div>
        </div>
      ) : null}
      {rejecting ? <RejectDialog imageId={imageId} boxId={selectedId} onReject={() => editor.save("needs_fix")} onClose={() => setRejecting(false)} /> : null}
      <HelpDialog open={help} shortcuts={shortcuts} onClose={() => setHelp(false)} />
    </div>
  );
}

const PANEL_KEY = "masklab.editor.panel";

/** Whether the side panel shows, remembered per browser (read after hydration: the server cannot know it). */
function useRememberedPanel(): [boolean, (update: (open: boolean) => boolean) => void] {
  const [open, setOpen] = useState(true);
  useEffect(() => {
    if (window.localStorage.getItem(PANEL_KEY) === "closed") setOpen(false);
  }, []);
  const update = useCallback((change: (open: boolean) => boolean) => {
    setOpen((current) => {
      const next = change(current);
      window.localStorage.setItem(PANEL_KEY, next ? "open" : "closed");
      return next;
    });
  }, []);
  return [open, update];
}
