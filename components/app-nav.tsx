"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  { href: "/datasets", label: "Datasets" },
  { href: "/label", label: "Label" },
  { href: "/train", label: "Train" },
  { href: "/models", label: "Models" },
  { href: "/monitor", label: "Monitor" },
] as const;

export function AppNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main">
      <ul className="nav">
        {SECTIONS.map((section) => {
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
