import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AppNav } from "@/components/app-nav";
import { HealthBadge } from "@/components/health-badge";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "Masklab",
  description: "Detection datasets and models, starting with face-mask detection",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <header className="topbar">
            <a className="brand" href="/datasets">
              Masklab
            </a>
            <AppNav />
            <HealthBadge />
          </header>
          <main className="page">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
