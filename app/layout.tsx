import type { Metadata } from "next";
import type { ReactNode } from "react";
import { UserMenu } from "@/components/accounts/user-menu";
import { AppNav } from "@/components/app-nav";
import { HealthBadge } from "@/components/health-badge";
import { navigationFor, showsAlertCount } from "@/lib/navigation";
import { unresolvedAlertCount } from "@/lib/server/monitoring/alerts";
import { currentUser } from "@/app/_server/page-auth";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "Masklab",
  description: "Detection datasets and models, starting with face-mask detection",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  const unresolvedAlerts = user && showsAlertCount(user.role) ? await unresolvedAlertCount() : null;
  return (
    <html lang="en">
      <body>
        <Providers>
          <header className="topbar">
            <a className="brand" href="/datasets">
              Masklab
            </a>
            {user ? <AppNav groups={navigationFor(user.role)} unresolvedAlerts={unresolvedAlerts} /> : null}
            <HealthBadge />
            {user ? <UserMenu name={user.name} role={user.role} /> : null}
          </header>
          <main className="page">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
