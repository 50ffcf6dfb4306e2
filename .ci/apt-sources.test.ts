import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const LIBRARY = path.resolve(".ci/apt-sources.sh");

/** backports_source_line from .ci/apt-sources.sh against a made-up /etc/apt: its line, or null when it finds none. */
async function backportsLine(files: Record<string, string>): Promise<string | null> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "masklab-apt-"));
  dirs.push(dir);
  await mkdir(path.join(dir, "sources.list.d"));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  try {
    const { stdout } = await run("bash", ["-euo", "pipefail", "-c", `source "${LIBRARY}"; backports_source_line "$1"`, "test", dir]);
    return stdout.trimEnd();
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    expect({ code: failed.code, stdout: failed.stdout }).toEqual({ code: 1, stdout: "" });
    return null;
  }
}
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe(".ci/apt-sources.sh: bookworm-backports from the machine's own apt sources", () => {
  it("reads a deb822 .sources file (Debian 12's default), keeping its keyring", async () => {
    const sources = [
      "Types: deb-src",
      "URIs: http://source-only.mirror.test/debian",
      "Suites: bookworm",
      "Components: main",
      "",
      "Types: deb",
      "URIs: http://disabled.mirror.test/debian",
      "Suites: bookworm",
      "Components: main",
      "Enabled: no",
      "",
      "Types: deb",
      "# a comment inside the stanza",
      "URIs: http://mirror.test/debian http://second.mirror.test/debian",
      "Suites: bookworm bookworm-updates",
      "Components: main contrib",
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
      "",
      "Types: deb",
      "URIs: http://security.mirror.test/debian-security",
      "Suites: bookworm-security",
      "Components: main",
    ].join("\n");
    expect(await backportsLine({ "sources.list.d/debian.sources": sources })).toBe("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.test/debian bookworm-backports main");
  });

  it("reads one-line sources.list entries, with or without options, skipping comments, deb-src and other suites", async () => {
    const list = [
      "# deb http://commented.mirror.test/debian bookworm main",
      "deb-src http://source-only.mirror.test/debian bookworm main",
      "deb http://updates.mirror.test/debian bookworm-updates main",
      "deb http://contrib-only.mirror.test/debian bookworm contrib",
      "deb [ arch=amd64 signed-by=/etc/apt/keyrings/debian.gpg ] https://proxy.test:3142/debian/ bookworm main non-free-firmware # trailing comment",
    ].join("\n");
    expect(await backportsLine({ "sources.list": list })).toBe("deb [signed-by=/etc/apt/keyrings/debian.gpg] https://proxy.test:3142/debian/ bookworm-backports main");
    expect(await backportsLine({ "sources.list.d/local.list": "deb http://plain.mirror.test/debian bookworm main\n" })).toBe("deb http://plain.mirror.test/debian bookworm-backports main");
  });

  it("finds nothing (exit 1, no output) when no enabled bookworm main source exists, or no file at all", async () => {
    expect(await backportsLine({})).toBeNull();
    expect(await backportsLine({ "sources.list.d/other.sources": "Types: deb\nURIs: https://vendor.test/apt\nSuites: nodistro\nComponents: main\n" })).toBeNull();
    expect(await backportsLine({ "sources.list.d/off.sources": "Types: deb\nURIs: http://mirror.test/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n" })).toBeNull();
  });

  it("names no mirror host in .ci/run", async () => {
    const script = await readFile(path.resolve(".ci/run"), "utf8");
    expect(script).not.toMatch(/\b(?:deb|http|https):\/\/|deb\.debian\.org/);
    await run("bash", ["-n", path.resolve(".ci/run")]);
  });
});
