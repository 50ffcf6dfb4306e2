/** The benches that drive the real app: wait for it, and sign in as its first admin through the setup link. */

export async function waitForApp(base: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the app did not start within 5 minutes");
}

/** The first-run flow, as an operator does it: the setup link creates the admin, whose session cookies come back. */
export async function signInAsFirstAdmin(base: string, setupToken: string): Promise<Array<{ name: string; value: string }>> {
  const response = await fetch(`${base}/api/auth/setup`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: base },
    body: JSON.stringify({ token: setupToken, email: "bench@masklab.test", name: "Bench", password: "bench password, long enough" }),
  });
  if (response.status !== 201) throw new Error(`setup failed: ${response.status} ${await response.text()}`);
  return response.headers.getSetCookie().map((c) => {
    const [name, ...value] = c.split(";")[0]!.split("=");
    return { name: name!, value: value.join("=") };
  });
}
