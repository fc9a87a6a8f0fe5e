import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { expect } from "chai";
import ts from "typescript";
import { ROOT } from "../../scripts/lib/processes.ts";

/**
 * Imports only go down (DESIGN §1, ARCHITECTURE.md): contracts ← sdk, indexer ← scripts, bench ←
 * test; the dashboard talks to the indexer over HTTP only. What each top-level folder may import of
 * ours (the root's config files may use scripts/lib).
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  contracts: [],
  sdk: ["contracts"],
  indexer: ["contracts"],
  dashboard: [],
  scripts: ["contracts", "sdk", "indexer", "bench"],
  bench: ["contracts", "sdk", "indexer", "scripts"],
  test: ["contracts", "sdk", "indexer", "scripts", "bench", "dashboard"],
  ".": ["scripts"],
};
const PACKAGES: Record<string, string> = {
  "@stigmergy/contracts": "contracts",
  "@stigmergy/sdk": "sdk",
  "@stigmergy/indexer": "indexer",
};

const folderOf = (path: string) => (path.includes("/") ? path.split("/")[0]! : ".");

/** Every import of one of our folders or packages, as [from file, to folder, specifier]. */
function crossings(): [string, string, string][] {
  const files = execFileSync("git", ["ls-files", "*.ts", "*.tsx", "*.js", "*.mjs"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => f && !f.includes("/generated/"));
  const out: [string, string, string][] = [];
  for (const file of files) {
    // The compiler's own scan: real import, export-from and import() specifiers, not strings or comments.
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true);
    for (const { fileName: spec } of importedFiles) {
      const pkg = Object.keys(PACKAGES).find((p) => spec === p || spec.startsWith(`${p}/`));
      const to = spec.startsWith(".") ? folderOf(normalize(join(dirname(file), spec))) : pkg && PACKAGES[pkg];
      if (to && to !== folderOf(file)) out.push([file, to, spec]);
    }
  }
  return out;
}

describe("the import graph", () => {
  it("only goes down: each folder imports only the folders below it", () => {
    const all = crossings();
    expect(all.length, "the scan found no imports between folders").to.be.greaterThan(100);
    const upward = all.filter(([file, to]) => !(MAY_IMPORT[folderOf(file)] ?? []).includes(to));
    expect(upward.map(([file, to, spec]) => `${file} → ${to} (${spec})`)).to.deep.equal([]);
  });

  it("has no cycle between scripts and bench: only the bench runner (scripts/bench.ts) imports bench", () => {
    const intoBench = crossings().filter(([file, to]) => folderOf(file) === "scripts" && to === "bench");
    expect([...new Set(intoBench.map(([file]) => file))]).to.deep.equal(["scripts/bench.ts"]);
    const benchIntoRunner = crossings().filter(
      ([file, , spec]) => folderOf(file) === "bench" && spec.endsWith("/bench.ts"),
    );
    expect(benchIntoRunner).to.deep.equal([]);
  });
});
