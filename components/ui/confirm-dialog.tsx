"use client";

import type { ReactNode } from "react";
import { AlertDialog } from "radix-ui";

interface ConfirmDialogProps {
  /** The button that opens the dialog (rendered as is, so it keeps its own label and style). */
  trigger: ReactNode;
  title: ReactNode;
  /** What will change if the user confirms, in words. */
  description: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  /** A change that is hard to undo gets the red button. */
  destructive?: boolean;
}

/** Asks before an action that changes what others see (promote, roll back, revoke), saying what will change. */
export function ConfirmDialog({ trigger, title, description, confirmLabel, onConfirm, destructive }: ConfirmDialogProps) {
  return (
    <AlertDialog.Root>
      <AlertDialog.Trigger asChild>{trigger}</AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="ui-overlay" />
        <AlertDialog.Content className="ui-dialog">
          <AlertDialog.Title className="ui-dialog-title">{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="ui-dialog-body">{description}</div>
          </AlertDialog.Description>
          <div className="ui-dialog-actions">
            <AlertDialog.Cancel asChild>
              <button type="button" className="secondary">
                Cancel
              </button>
            </AlertDialog.Cancel>
            <AlertDialog.Action asChild>
              <button type="button" className={destructive ? "danger" : undefined} onClick={onConfirm}>
                {confirmLabel}
              </button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
