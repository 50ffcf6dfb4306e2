"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useAddComment, useComments } from "../api-hooks";
import { Checkbox } from "../ui/checkbox";

/** Reviewer comments on the image or on one of its boxes; a click selects the box. */
export function ReviewComments({ imageId, onSelectBox }: { imageId: string; onSelectBox: (boxId: string) => void }) {
  const comments = useComments(imageId);
  if (!comments.data || comments.data.length === 0) return null;
  return (
    <section aria-label="Review comments">
      <h2>Review comments</h2>
      <ul className="plain comments" data-testid="comments">
        {comments.data.map((c) => (
          <li key={c.id} className={c.resolvedAt ? "resolved" : undefined}>
            {c.boxId ? (
              <button type="button" className="link" onClick={() => onSelectBox(c.boxId!)}>
                on a box:
              </button>
            ) : (
              <span className="muted">on the image:</span>
            )}{" "}
            {c.body}
            {c.resolvedAt ? <span className="muted small"> (resolved)</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** "Needs fix": the reviewer says what is wrong, on the selected box or the whole image. */
export function RejectDialog({ imageId, boxId, onReject, onClose }: { imageId: string; boxId: string | null; onReject: () => Promise<boolean>; onClose: () => void }) {
  const [body, setBody] = useState("");
  const [onBox, setOnBox] = useState(boxId !== null);
  const addComment = useAddComment(imageId);
  const submit = useMutation({
    mutationFn: async () => {
      if (!(await onReject())) throw new Error("the labels could not be saved; resolve that first");
      await addComment.mutateAsync({ body, ...(onBox && boxId ? { boxId } : {}) });
    },
    onSuccess: onClose,
  });
  return (
    <div className="dialog" role="dialog" aria-label="Needs fix">
      <h2>What needs fixing?</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit.mutate();
        }}
      >
        <textarea autoFocus required rows={3} value={body} onChange={(e) => setBody(e.target.value)} aria-label="Comment" style={{ width: "100%" }} />
        {boxId ? (
          <Checkbox checked={onBox} onCheckedChange={setOnBox} label="On the selected box" />
        ) : null}
        {submit.error ? <p className="error">{submit.error.message}</p> : null}
        <div className="dialog-actions">
          <button type="submit" disabled={submit.isPending || !body.trim()}>
            Send back to labeling
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
