/**
 * How the indexer runs (`npm run indexer`, `npm start`, the tests): `ponder <command> …` as a child
 * process, its output passed through, signals passed on, its exit code returned. On the embedded
 * database (no DATABASE_URL) it also makes the index recover by itself:
 *
 * - An index that cannot be resumed is moved aside (`<dir>.previous`, replacing an older one) and
 *   rebuilt from the chain, which is the truth, with one log line saying why. Cannot be resumed:
 *   PGlite cannot open its files, rows without the checkpoint that covers them (a primary-key
 *   conflict when indexing resumes), an index built by another version of the indexer or of Ponder,
 *   for another chain (a restarted devnet), or off the canonical chain (a reorg deeper than the
 *   finality window: exit code 3, see src/api/probes.ts). A rebuilt index that fails the same way
 *   is not rebuilt again: that is a bug, reported with Ponder's own error.
 * - One indexer per PGlite directory: a second one is refused (exit code 2) before it opens the files.
 *
 * The webhook store (src/webhooks/store.ts) lives elsewhere and is never touched: subscriptions,
 * secrets and the outbox survive a rebuild. With DATABASE_URL nothing is moved or rebuilt.
 *
 * Ponder runs with an IPC channel to this process: if this process dies (even by SIGKILL), Ponder
 * notices at once and stops (src/lib/ponder.ts, exitWithSupervisor). Likewise, when a parent started
 * this process with an IPC channel (the scripts and tests do), its death stops the indexer.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const INDEXER = dirname(fileURLToPath(import.meta.url));

/** Ponder's CLI, found as Node finds the package: in the nearest node_modules up from here. */
function ponderBin(): string {
  for (let dir = INDEXER; ; dir = dirname(dir)) {
    const bin = join(dir, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js");
    if (existsSync(bin)) return bin;
    if (dirname(dir) === dir) throw new Error("ponder is not installed: run npm install");
  }
}
const PONDER_BIN = ponderBin();
const EXIT_DEEP_REORG = 3;

/** What Ponder prints when the embedded index cannot be resumed, and what it means. */
const UNUSABLE: [RegExp, string][] = [
  [
    /Failed to connect to PGlite database|RuntimeError: (unreachable|memory access out of bounds)|Aborted\(\)/,
    "PGlite cannot open its files",
  ],
  [/violates unique constraint|UniqueConstraintError/, "it holds rows without the checkpoint that covers them"],
  [/previously used by a different Ponder app/, "it was built by a different version of the indexer"],
  [/previously used by a Ponder app with a different minor version/, "it was built by a different version of Ponder"],
  [/cannot move backwards/, "it belongs to another chain, which was restarted"],
];

const args = process.argv.slice(2);
const command = args[0];
const embedded = !process.env.DATABASE_URL && command === "start";
const pgliteDir = resolve(process.env.STIGMERGY_PGLITE_DIR ?? join(INDEXER, ".ponder", "pglite"));
const say = (line: string) => process.stderr.write(`stigmergy: ${line}\n`);

const schemaArg = args.indexOf("--schema");
const schema = schemaArg >= 0 ? args[schemaArg + 1]! : "public";

// ---------------------------------------------------------------- settings Ponder's patch reads

/** The longest delay a Node timer takes (a longer one fires at once, every millisecond for an interval). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The settings patches/ponder+0.16.10.patch reads inside Ponder, where a bad value could only be
 * ignored: checked here first, so that a typo (`15s`) stops the indexer with its name (exit code 2).
 * Each: the variable, the smallest value, whether 0 (off) is allowed, what it is.
 */
const PATCH_SETTINGS: [string, number, boolean, string][] = [
  ["STIGMERGY_SSE_KEEPALIVE_MS", 10, true, "milliseconds between keep-alive comments on idle live queries"],
  ["STIGMERGY_WS_RESUBSCRIBE_MS", 1_000, false, "milliseconds between renewals of the newHeads subscription"],
  ["STIGMERGY_CHAIN_DOWN_MS", 1, false, "milliseconds of failed polls before a chain is logged down"],
  ["STIGMERGY_MAX_LIVE_QUERIES", 1, false, "live queries one process serves"],
];
for (const [name, least, zero, what] of PATCH_SETTINGS) {
  const raw = process.env[name];
  if (raw === undefined) continue;
  const value = Number(raw);
  const ok = /^\d+$/.test(raw.trim()) && ((zero && value === 0) || (value >= least && value <= MAX_TIMER_MS));
  if (ok) continue;
  const range = `${zero ? "0 (off) or " : ""}a whole number from ${least} to ${MAX_TIMER_MS}`;
  say(`${name} is ${JSON.stringify(raw)}: expected ${range} (${what})`);
  process.exit(2);
}

// ---------------------------------------------------------------- one indexer per directory

const lockFile = `${pgliteDir}.lock`;

/**
 * Who last held the directory: a live supervisor (its pid), one that died without releasing it
 * (`"dead"`: killed, or its machine stopped), or nobody.
 */
function lastHolder(): number | "dead" | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile, "utf8").trim());
  } catch {
    return undefined;
  }
  try {
    process.kill(pid, 0);
  } catch {
    return "dead";
  }
  try {
    // A reused pid is not an indexer: only a process running this file holds the directory.
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("supervise") ? pid : "dead";
  } catch {
    return pid; // no /proc here: trust the pid
  }
}

/** Moves the index aside, with the one line that says why. */
function moveAside(reason: string): void {
  const previous = `${pgliteDir}.previous`;
  rmSync(previous, { recursive: true, force: true });
  if (existsSync(pgliteDir)) renameSync(pgliteDir, previous);
  say(
    `the embedded index in ${pgliteDir} cannot be resumed (${reason}); ` +
      `moved it to ${previous} and rebuilding it from the chain`,
  );
}

/**
 * After an indexer died holding the directory: opens the index (PGlite replays its write-ahead log)
 * and releases the dead process's lock in Ponder's metadata, which Ponder would otherwise wait out
 * (25 s of heartbeat timeout). Only the supervisor that held the lock can be writing here, and it
 * is gone. Returns false if PGlite cannot open the files.
 */
async function releaseDeadLock(): Promise<boolean> {
  if (!existsSync(pgliteDir)) return true;
  const { PGlite } = await import("@electric-sql/pglite");
  let db: InstanceType<typeof PGlite> | undefined;
  try {
    db = new PGlite(pgliteDir);
    await db.waitReady;
  } catch {
    return false;
  }
  try {
    await db.query(
      `UPDATE "${schema.replace(/"/g, '""')}"."_ponder_meta" ` +
        "SET value = jsonb_set(value, '{is_locked}', to_jsonb(0)) WHERE key = 'app'",
    );
  } catch {
    // no metadata yet (killed before Ponder wrote it): nothing to release
  } finally {
    await db.close().catch(() => undefined);
  }
  return true;
}

const rebuilt = new Set<string>();
if (embedded) {
  const last = lastHolder();
  if (typeof last === "number" && last !== process.pid) {
    say(
      `another indexer (pid ${last}) is using the embedded database in ${pgliteDir}; ` +
        "stop it first, or set STIGMERGY_PGLITE_DIR to another directory",
    );
    process.exit(2);
  }
  mkdirSync(dirname(pgliteDir), { recursive: true });
  writeFileSync(lockFile, `${process.pid}\n`);
  process.on("exit", () => {
    try {
      if (readFileSync(lockFile, "utf8").trim() === String(process.pid)) unlinkSync(lockFile);
    } catch {
      // already gone
    }
  });
  if (last === "dead" && !(await releaseDeadLock())) {
    const reason = "PGlite cannot open its files";
    rebuilt.add(reason);
    moveAside(reason);
  }
}

// ---------------------------------------------------------------- running Ponder

let child: ChildProcess | undefined;
let stopping = false;

const stop = (signal: NodeJS.Signals) => {
  stopping = true;
  if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
  else process.exit(0);
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const) process.on(signal, () => stop(signal));
if (process.send) {
  process.channel?.unref();
  process.once("disconnect", () => stop("SIGTERM"));
}

/** Runs Ponder once; resolves with how it ended and the tail of what it printed. */
function runPonder(): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const color =
    process.stdout.isTTY && process.env.NO_COLOR === undefined ? { FORCE_COLOR: process.env.FORCE_COLOR ?? "1" } : {};
  child = spawn(process.execPath, [PONDER_BIN, ...args], {
    cwd: INDEXER,
    stdio: ["inherit", "pipe", "pipe", "ipc"],
    env: { ...process.env, ...color },
  });
  let output = "";
  const pass = (to: NodeJS.WriteStream) => (chunk: Buffer) => {
    to.write(chunk);
    output = (output + chunk.toString()).slice(-65_536);
  };
  child.stdout!.on("data", pass(process.stdout));
  child.stderr!.on("data", pass(process.stderr));
  child.channel?.unref();
  return new Promise((done) => child!.once("close", (code, signal) => done({ code, signal, output })));
}

/**
 * Why the embedded index cannot be resumed, judging by how Ponder ended (undefined: it can). The
 * first failure Ponder printed decides: later ones are its consequences (a query still running while
 * Ponder shuts down makes PGlite print `Aborted()`, which alone would mean unreadable files).
 */
function unusable(ended: { code: number | null; output: string }): string | undefined {
  if (ended.code === 0 || ended.code === null) return undefined;
  if (ended.code === EXIT_DEEP_REORG)
    return "a reorg deeper than the finality window took its blocks off the canonical chain";
  let first: { at: number; reason: string } | undefined;
  for (const [pattern, reason] of UNUSABLE) {
    const at = ended.output.search(pattern);
    if (at >= 0 && (first === undefined || at < first.at)) first = { at, reason };
  }
  return first?.reason;
}

for (;;) {
  const ended = await runPonder();
  const reason = embedded && !stopping ? unusable(ended) : undefined;
  if (reason === undefined || rebuilt.has(reason)) {
    if (reason !== undefined)
      say(
        `the rebuilt index failed the same way (${reason}): this is not a leftover of a crash; ` +
          "see Ponder's error above",
      );
    process.exit(ended.code ?? 128 + (ended.signal ? constants.signals[ended.signal] : 0));
  }
  rebuilt.add(reason);
  moveAside(reason);
}
