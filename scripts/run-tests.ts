/**
 * `npm test`: every suite in order, streaming each one's output, then one plain line
 * `N passed, N failed` (what CI reads). A step that cannot report counts (the build, the type
 * check, the coverage gate, or a suite that crashed) counts as one test.
 *
 * Set CI=true (as .ci/run does) for the longer fuzz/invariant profile.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const MIN_LINE_COVERAGE = 95;
const ci = process.env.CI === "true" || process.env.CI === "1";

type Outcome = { passed: number; failed: number };

/** What each failed step printed about its failures, repeated at the end where a log's tail shows it. */
const failures: string[] = [];
const MAX_FAILURE_CHARS = 6000;

/** Mocha's failure report: from its "N failing" line to the end (or the output's tail). */
function failureReport(title: string, output: string): string {
  const at = output.search(/^\s*\d+ failing\b/m);
  const text = (at >= 0 ? output.slice(at) : output).trim();
  const cut = text.length > MAX_FAILURE_CHARS ? `${text.slice(0, MAX_FAILURE_CHARS)}\n… (cut)` : text;
  return `✗ ${title}\n${cut}`;
}

/** Runs a command, streaming its output, and resolves with the exit code and the full output. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...env } });
    let output = "";
    const tee = (chunk: Buffer, to: NodeJS.WriteStream) => {
      output += chunk.toString();
      to.write(chunk);
    };
    child.stdout.on("data", (c: Buffer) => tee(c, process.stdout));
    child.stderr.on("data", (c: Buffer) => tee(c, process.stderr));
    child.on("error", (err) => resolve({ code: 127, output: `${output}\n${err.message}` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The last "N passing" / "N failing" a mocha-style reporter printed. */
function counts(output: string): Outcome | undefined {
  const last = (re: RegExp) => {
    const all = [...output.matchAll(re)];
    return all.length ? Number(all[all.length - 1]![1]) : undefined;
  };
  const passed = last(/^\s*(\d+) passing\b/gm);
  const failed = last(/^\s*(\d+) failing\b/gm);
  if (passed === undefined && failed === undefined) return undefined;
  return { passed: passed ?? 0, failed: failed ?? 0 };
}

/** A suite: its own counts, or one failure if it crashed before reporting them. */
async function suite(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Outcome> {
  const { code, output } = await run(cmd, args, env);
  const c = counts(output);
  // A crash before the summary, or a non-zero exit with no failing test (a crash after it), fails.
  const outcome = !c ? { passed: 0, failed: 1 } : code !== 0 && c.failed === 0 ? { passed: c.passed, failed: 1 } : c;
  if (outcome.failed > 0)
    failures.push(failureReport([cmd, ...args].join(" "), c ? output : output.slice(-MAX_FAILURE_CHARS)));
  return outcome;
}

/** A check that passes or fails as a whole. */
async function check(cmd: string, args: string[], verify?: (output: string) => string | undefined): Promise<Outcome> {
  const { code, output } = await run(cmd, args);
  const problem = code !== 0 ? `exit code ${code}` : verify?.(output);
  if (problem) {
    const line = `✗ ${[cmd, ...args].join(" ")}: ${problem}`;
    console.error(`\n${line}`);
    failures.push(code !== 0 ? `${line}\n${output.slice(-MAX_FAILURE_CHARS).trim()}` : line);
  }
  return problem ? { passed: 0, failed: 1 } : { passed: 1, failed: 0 };
}

/** Every contract file at or above the line-coverage bar (rows of Hardhat's coverage table). */
function coverageProblem(output: string): string | undefined {
  const rows = [...output.matchAll(/^║\s*(contracts\/\S+\.sol)\s*│\s*([\d.]+)\s*│/gm)].map((m) => ({
    file: m[1]!,
    lines: Number(m[2]),
  }));
  if (rows.length === 0) return "no coverage table in the output";
  const low = rows.filter((r) => r.lines < MIN_LINE_COVERAGE);
  if (low.length)
    return `line coverage below ${MIN_LINE_COVERAGE} %: ${low.map((r) => `${r.file} ${r.lines} %`).join(", ")}`;
  console.log(`\n✓ line coverage ≥ ${MIN_LINE_COVERAGE} % on all ${rows.length} contract files`);
  return undefined;
}

const steps: [string, () => Promise<Outcome>][] = [
  ["build (contracts, ABIs, SDK)", () => check("npm", ["run", "build"])],
  ["type-check (root, sdk, indexer)", () => check("npm", ["run", "typecheck"])],
  [
    "lint: Biome (TypeScript format and rules) and solhint (Solidity); any finding fails",
    () => check("npm", ["run", "lint"]),
  ],
  [
    "Solidity fuzz and invariant tests",
    () => suite("npx", ["hardhat", "test", "solidity", "--no-compile"], ci ? { HARDHAT_TEST_PROFILE: "ci" } : {}),
  ],
  ["contract tests (mocha)", () => suite("npx", ["hardhat", "test", "mocha", "--no-compile"])],
  [
    "SDK, CLI and MCP tests (real node and indexer)",
    () => suite("npx", ["mocha", "--config", "test/sdk/.mocharc.json"]),
  ],
  [
    "end-to-end tests (real node, separate processes)",
    () => suite("npx", ["mocha", "--config", "test/e2e/.mocharc.json"]),
  ],
  ["coverage gate", () => check("npm", ["run", "coverage"], coverageProblem)],
];

const total: Outcome = { passed: 0, failed: 0 };
const started = Date.now();
for (const [i, [title, step]] of steps.entries()) {
  console.log(`\n━━ [${i + 1}/${steps.length}] ${title} ━━\n`);
  const outcome = await step();
  total.passed += outcome.passed;
  total.failed += outcome.failed;
  console.log(
    `\n── ${title}: ${outcome.passed} passed, ${outcome.failed} failed ` +
      `(running total ${total.passed}/${total.failed}, ${Math.round((Date.now() - started) / 1000)} s)`,
  );
  if (i === 0 && outcome.failed > 0) {
    console.error("\nThe build failed; nothing else can run.");
    break;
  }
}
if (failures.length) console.log(`\n━━ what failed, again ━━\n\n${failures.join("\n\n")}`);
console.log(`\n${total.passed} passed, ${total.failed} failed`);
process.exitCode = total.failed === 0 ? 0 : 1;
