import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { expect } from "chai";
import { ROOT, runToEnd } from "../../scripts/lib/processes.ts";

/** A Node.js binary older than 22 on this machine (CI machines have Node 20), if any. */
function oldNode(): string | undefined {
  const candidates = new Set<string>();
  for (const dir of (process.env.PATH ?? "").split(delimiter)) candidates.add(join(dir, "node"));
  for (const path of ["/usr/bin/node", "/usr/local/bin/node", "/bin/node"]) candidates.add(path);
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      const major = Number(execFileSync(path, ["-p", "process.versions.node.split('.')[0]"]).toString().trim());
      if (major < 22) return path;
    } catch {
      // not runnable
    }
  }
  return undefined;
}

describe("Node.js version guard", () => {
  it("on Node < 22, `npm install` stops at once and names the required version", async function () {
    const node = oldNode();
    if (!node) this.skip(); // no older Node here to try it with
    const dir = mkdtempSync(join(tmpdir(), "stigmergy-engines-"));
    try {
      copyFileSync(join(ROOT, "package.json"), join(dir, "package.json"));
      copyFileSync(join(ROOT, ".npmrc"), join(dir, ".npmrc"));
      const npm = join(dirname(node!), "npm");
      const { code, output } = await runToEnd(
        existsSync(npm) ? npm : "npm",
        ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", dir],
        {
          PATH: [dirname(node!), "/usr/bin", "/bin"].join(delimiter),
        },
      );
      expect(code).to.not.equal(0);
      expect(output).to.include("EBADENGINE");
      expect(output).to.match(/Required: \{"node":">=22/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
