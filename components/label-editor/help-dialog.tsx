"use client";

import { useEffect, useRef } from "react";
import { describeKeys, type Shortcut } from "@/lib/domain/editor-shortcuts";

/**
 * The shortcut list, in a native modal <dialog>: showModal() gives the backdrop, keeps focus
 * inside and closes on Escape; a click on the backdrop closes it too. The list scrolls inside
 * the dialog, so it is never cut off on a short screen.
 */
export function HelpDialog({ open, shortcuts, onClose }: { open: boolean; shortcuts: readonly Shortcut[]; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="modal-dialog"
      aria-labelledby="help-dialog-title"
      data-testid="help-dialog"
      onClose={onClose}
      // The dialog's own box is only reached through its backdrop: its content fills it.
      onClick={(e) => {
        if (e.target === e.currentTarget) e.currentTarget.close();
      }}
    >
      <div className="modal-dialog-header">
        <h2 id="help-dialog-title">Keyboard shortcuts</h2>
        <button type="button" onClick={() => ref.current?.close()} autoFocus>
          Close
        </button>
      </div>
      <div className="modal-dialog-body">
        <table className="table">
          <tbody>
            {shortcuts.map((s) => (
              <tr key={describeKeys(s)}>
                <td>
                  <kbd>{describeKeys(s)}</kbd>
                </td>
                <td>{s.description}</td>
              </tr>
            ))}
            <tr>
              <td>
                <kbd>Drag</kbd>
              </td>
              <td>Draw a box on empty image; drag a selected box to move it, its handles to resize</td>
            </tr>
            <tr>
              <td>
                <kbd>Wheel</kbd> / <kbd>Space+drag</kbd>
              </td>
              <td>Zoom around the cursor / pan (the middle button pans too)</td>
            </tr>
          </tbody>
        </table>
        <p className="small muted">Shortcuts work everywhere on the page except while typing in a text field; a focused slider keeps its arrow keys.</p>
      </div>
    </dialog>
  );
}
