import Link from "next/link";
import type { ReactNode } from "react";

/** Where the empty state's way out leads: the page that does what the message names. */
export interface EmptyStateAction {
  href: string;
  label: string;
}

/** What a page shows instead of an empty list: what is missing and, where the reader may fix it, a link to the fix. */
export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: EmptyStateAction }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children ? <div className="empty-body">{children}</div> : null}
      {action ? (
        <p className="empty-action">
          <Link href={action.href}>{action.label}</Link>
        </p>
      ) : null}
    </div>
  );
}
