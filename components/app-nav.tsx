"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export interface NavSection {
  href: string;
  label: string;
}

/** The sections the signed-in role may open (chosen on the server, which also guards each page). */
export function AppNav({ sections }: { sections: NavSection[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main">
      <ul className="nav">
        {sections.map((section) => {
          const active = pathname === section.href || pathname.startsWith(`${section.href}/`);
          return (
            <li key={section.href}>
              <Link href={section.href} aria-current={active ? "page" : undefined} className={active ? "active" : undefined}>
                {section.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
