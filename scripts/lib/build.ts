/**
 * The build, step by step, each step skipped when its inputs are unchanged since it last succeeded:
 *
 *   contracts  `hardhat build` (contracts/ and the Solidity tests)       -> artifacts/
 *   abis       scripts/gen-abis.ts over the artifacts     -> contracts/src/generated/, sdk/src/generated/
 *   package    `tsc` of @stigmergy/contracts (ABIs, enums, deployment parser, fixture) -> contracts/dist/
 *   sdk        `tsc` of the SDK (the indexer uses its build)                          -> sdk/dist/
 *   cli        the `stigmergy` CLI bundled with esbuild (fast start-up)               -> sdk/dist/bin/
 *   dashboard  the web dashboard bundled with Vite (served by the indexer)           -> dashboard/dist/
 *
 * A step's fingerprint is a hash of its input files' paths and contents (plus the step's own
 * command); fingerprints of successful steps are kept in .stigmergy/build.json. Nothing is
 * downloaded: the compiler is the npm `solc` package (hardhat.config.ts).
 *
 * Used by `npm run build`, by `npm install` (the `prepare` script, so every command works on a fresh
 * clone) and at the start of `npm start` and `npm run indexer` (a no-op when nothing changed).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const STAMPS = join(ROOT, ".stigmergy", "build.json");
const HARDHAT = join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
/** The dashboard's own Vite (npm may nest it under dashboard/node_modules: the indexer's tooling pins an older one). */
const VITE = (() => {
  try {
    return join(
      dirname(createRequire(join(ROOT, "dashboard", "package.json")).resolve("vite/package.json")),
      "bin",
      "vite.js",
    );
  } catch {
    return join(ROOT, "dashboard", "node_modules", "vite", "bin", "vite.js");
  }
})();

type Step = {
  name: string;
  what: string;
  /** Files (or directories, walked) whose contents decide whether the step must run. */
  inputs: string[];
  /** Files that must exist after the step; a missing one forces it. */
  outputs: string[];
  command: string[];
};

const STEPS: Step[] = [
  {
    name: "contracts",
    what: "compiling the contracts (npm solc 0.8.30)",
    inputs: [
      "contracts",
      "test",
      "hardhat.config.ts",
      "node_modules/solc/package.json",
      "node_modules/hardhat/package.json",
    ],
    outputs: ["artifacts/contracts"],
    command: [HARDHAT, "build"],
  },
  {
    name: "abis",
    what: "generating ABIs, bytecode, enums and the SDK's typed errors",
    inputs: ["artifacts/contracts", "scripts/gen-abis.ts"],
    outputs: [
      "contracts/src/generated/abis.ts",
      "contracts/src/generated/bytecode.ts",
      "contracts/src/generated/enums.ts",
      "sdk/src/generated/errors.ts",
    ],
    command: [TSX, "scripts/gen-abis.ts"],
  },
  {
    name: "package",
    what: "building @stigmergy/contracts (tsc)",
    inputs: ["contracts/src", "contracts/tsconfig.json", "node_modules/typescript/package.json"],
    outputs: ["contracts/dist/index.js", "contracts/dist/fixture.js"],
    command: [TSC, "-p", "contracts/tsconfig.json"],
  },
  {
    name: "sdk",
    what: "building the SDK (tsc)",
    inputs: ["sdk/src", "sdk/tsconfig.json", "contracts/src", "node_modules/typescript/package.json"],
    outputs: ["sdk/dist/index.js", "sdk/dist/mcp/server.js"],
    command: [TSC, "-p", "sdk/tsconfig.json"],
  },
  {
    name: "cli",
    what: "bundling the stigmergy CLI (esbuild)",
    inputs: ["sdk/src", "contracts/src", "sdk/scripts/bundle-cli.js", "package-lock.json"],
    outputs: ["sdk/dist/bin/stigmergy.js"],
    command: [join(ROOT, "sdk", "scripts", "bundle-cli.js")],
  },
  {
    name: "dashboard",
    what: "bundling the dashboard (Vite)",
    inputs: [
      "dashboard/src",
      "dashboard/index.html",
      "dashboard/vite.config.ts",
      "dashboard/tsconfig.json",
      "dashboard/package.json",
      "package-lock.json",
    ],
    outputs: ["dashboard/dist/index.html"],
    command: [VITE, "build", "--config", "dashboard/vite.config.ts"],
  },
];

/** Only these files count as inputs when a directory is walked (the contracts step: .sol only under test/). */
const counts = (step: Step, path: string) =>
  step.name === "contracts"
    ? path.endsWith(".sol") || (!path.startsWith("test/") && !path.startsWith("contracts/"))
    : !path.endsWith(".dbg.json");

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

function fingerprint(step: Step): string {
  const hash = createHash("sha256").update(step.command.map((c) => relative(ROOT, c)).join(" "));
  for (const input of step.inputs) {
    const path = join(ROOT, input);
    if (!existsSync(path)) {
      hash.update(`missing:${input}`);
      continue;
    }
    const files = statSync(path).isDirectory() ? [...walk(path)] : [path];
    for (const file of files) {
      const rel = relative(ROOT, file);
      if (!counts(step, rel)) continue;
      hash.update(`\0${rel}\0`).update(readFileSync(file));
    }
  }
  return hash.digest("hex");
}

function readStamps(): Record<string, string> {
  try {
    return JSON.parse(readFileSync(STAMPS, "utf8")) as Record<string, string>;
  } catch {
    return {};
  }
}

function run(args: string[], quiet: boolean): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, FORCE_COLOR: "0" } });
    let output = "";
    const collect = (to: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      if (!quiet) to.write(chunk);
    };
    child.stdout.on("data", collect(process.stdout));
    child.stderr.on("data", collect(process.stderr));
    child.on("error", (error) => resolve({ code: 127, output: `${output}${error.message}` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

export class BuildError extends Error {
  constructor(
    readonly step: string,
    readonly output: string,
  ) {
    super(`the build failed at "${step}"`);
  }
}

export type BuildOptions = {
  /** Run every step even when its inputs are unchanged. */
  force?: boolean;
  /** Progress lines ("build: …"); default stdout. */
  log?: (line: string) => void;
  /** Stream the steps' own output (compiler messages); default true. */
  verbose?: boolean;
};

/** Brings the build up to date; resolves with the steps that ran. Throws {BuildError} on a failed step. */
export async function ensureBuilt(options: BuildOptions = {}): Promise<string[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const stamps = readStamps();
  const ran: string[] = [];
  for (const step of STEPS) {
    const print = fingerprint(step);
    const present = step.outputs.every((o) => existsSync(join(ROOT, o)));
    if (!options.force && present && stamps[step.name] === print) continue;
    const started = Date.now();
    log(`build: ${step.what}…`);
    const { code, output } = await run(step.command, options.verbose === false);
    if (code !== 0) throw new BuildError(step.name, output);
    // Outputs may be inputs of the next step: fingerprint this one as it was when it ran.
    stamps[step.name] = print;
    mkdirSync(dirname(STAMPS), { recursive: true });
    writeFileSync(STAMPS, `${JSON.stringify(stamps, null, 2)}\n`);
    log(`build: ${step.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    ran.push(step.name);
  }
  if (ran.length === 0) log("build: up to date");
  return ran;
}
