/**
 * `npm run lint:ts`, second half: no TypeScript or JavaScript line longer than 120 characters. Biome
 * formats code to 120 but leaves long strings and comments as they are; this names each one left.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "./lib/processes.ts";

const MAX = 120;
const SKIP = new Set(["node_modules", "generated", "dist", "artifacts", "cache", "coverage", "deployments"]);
const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/;

/** The files git would check in (tracked, or new and not ignored), as Biome sees them; else a walk. */
function listed(): string[] | undefined {
  const git = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (git.status !== 0) return undefined;
  return git.stdout
    .split("\0")
    .filter((path) => SOURCE.test(path) && !path.split("/").some((part) => SKIP.has(part)))
    .map((path) => join(ROOT, path))
    .filter((path) => existsSync(path));
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (SOURCE.test(entry.name)) yield path;
  }
}

const long: string[] = [];
let files = 0;
for (const file of listed() ?? walk(ROOT)) {
  files++;
  for (const [i, line] of readFileSync(file, "utf8").split("\n").entries()) {
    // Characters, not UTF-16 units: "≤" and "→" count one each, as an editor's ruler does.
    const length = [...line].length;
    if (length > MAX) long.push(`${relative(ROOT, file)}:${i + 1}: ${length} characters`);
  }
}
if (long.length > 0) {
  console.error(`${long.length} lines longer than ${MAX} characters (break the string or the comment):`);
  for (const line of long) console.error(`  ${line}`);
  process.exit(1);
}
console.log(`line length: ${files} files, every line ≤ ${MAX} characters`);
