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
/** Our workspaces' package names, and the folder each is (from the root's package.json). */
const PACKAGES: Record<string, string> = Object.fromEntries(
  (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { workspaces: string[] }).workspaces.map((dir) => [
    (JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) as { name: string }).name,
    dir,
  ]),
);

const folderOf = (path: string) => (path.includes("/") ? path.split("/")[0]! : ".");

/** Every import of one of our folders or packages, as [from file, to folder, specifier, resolved path]. */
function crossings(): [string, string, string, string][] {
  // Tracked files and new ones git does not ignore.
  const list = ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.tsx", "*.js", "*.mjs"];
  const files = execFileSync("git", list, { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => f && !f.includes("/generated/"));
  const out: [string, string, string, string][] = [];
  for (const file of files) {
    // The compiler's own scan: real import, export-from and import() specifiers, not strings or comments.
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true);
    for (const { fileName: spec } of importedFiles) {
      const pkg = Object.keys(PACKAGES).find((p) => spec === p || spec.startsWith(`${p}/`));
      const path = spec.startsWith(".")
        ? normalize(join(dirname(file), spec))
        : pkg && `${PACKAGES[pkg]}/${spec.slice(pkg.length + 1)}`;
      if (path && folderOf(path) !== folderOf(file)) out.push([file, folderOf(path), spec, path]);
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
      ([file, , , path]) => folderOf(file) === "bench" && path.replace(/\.[jt]s$/, "") === "scripts/bench",
    );
    expect(benchIntoRunner).to.deep.equal([]);
  });
});
