import type { Locator, Page } from "@playwright/test";

/** Picks an option of one of our drop-downs (components/ui/select.tsx) as a user does: open it, click the option. */
export async function chooseOption(page: Page, combobox: Locator, option: string | RegExp): Promise<void> {
  await combobox.click();
  await page.getByRole("option", { name: option, exact: typeof option === "string" }).click();
}
