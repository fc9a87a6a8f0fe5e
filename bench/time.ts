/**
 * Shared time and the CLI's start-up, on a real Hardhat node and a real Ponder process. Reported,
 * never asserted.
 *
 * - `measureScheduleDue`: a schedule of N rounds, one every 2 s; for each round, the time from the
 *   moment it falls due to its `schedule.due` webhook. A round falls due when a block mined then
 *   would carry a timestamp at or past its due time: the bench follows the node's pending block and
 *   counts from the wall time at which its timestamp reaches the due time.
 *   Measured on an automining node with no other traffic (no block at all between rounds), then on
 *   the same node mining a block every second.
 * - CLI start-up: the `stigmergy` command's whole process (Node's start-up included), 10 runs each:
 *   `--help` (no network), and `task list --json` against the local indexer.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createPublicClient, createWalletClient, http, parseEventLogs } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { ROOT } from "../scripts/lib/processes.ts";
import { startReceiver, subscribe } from "../scripts/lib/receiver.ts";
import { type Stack, startStack } from "../scripts/lib/stack.ts";
import { plainTask, rpc, taskPoster } from "../scripts/lib/tasks.ts";
import { MNEMONIC } from "../scripts/lib/workload.ts";
import { abis } from "../sdk/src/index.ts";

type Log = (line: string) => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export type DueStat = { rounds: number; medianMs: number; maxMs: number; minMs: number };
export type ScheduleDue = { automine: DueStat; interval: DueStat };
export type CliRun = { medianMs: number; fastestMs: number };
export type CliStartup = { runs: number; help: CliRun; taskList: CliRun; tasksListed: number };
export type TimeBench = { due: ScheduleDue; cli: CliStartup };

const ROUNDS = 12;
const INTERVAL_S = 2n;

async function dueLatencies(
  stack: Stack,
  indexerUrl: string,
  receiverUrl: string,
  received: () => { json: Record<string, unknown>; at: number }[],
  label: string,
  log: Log,
): Promise<DueStat> {
  const transport = http(stack.node.url);
  const publicClient = createPublicClient({ transport });
  const poster = createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: 10 }), transport });
  // The chain's clock, followed all along: the pending block carries the timestamp a block mined now
  // would have, so the first wall time at which it reaches a round's due time is when the round
  // falls due (the node's clock may run ahead of the wall clock, and creeps when it mines fast).
  const clock = followChainClock(stack.node.url);
  const offset = await clock.offsetMs();
  const id = await subscribe(indexerUrl, {
    url: receiverUrl,
    secret: "bench-schedule-secret",
    filter: { events: ["schedule.due"] },
  });
  // Round 0 falls due 4 s from now on the chain's clock.
  const firstAt = BigInt(Math.floor((Date.now() + offset) / 1000)) + 4n;
  const template = plainTask({ specURI: `ipfs://bench-${label}`, deadline: 600n });
  const hash = await poster.writeContract({
    chain: null,
    address: stack.deployment.contracts.TaskBoard!,
    abi: abis.TaskBoard,
    functionName: "createSchedule",
    args: [template, firstAt, INTERVAL_S, ROUNDS],
    value: BigInt(ROUNDS),
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 100 });
  const scheduleId = parseEventLogs({ abi: abis.TaskBoard, logs: receipt.logs, eventName: "ScheduleCreated" })[0]!.args
    .scheduleId;
  const ours = () =>
    received().filter(
      (r) =>
        r.json.subscriptionId === id &&
        (r.json.schedule as { scheduleId: string }).scheduleId === scheduleId.toString(),
    );
  const until = Number(firstAt + INTERVAL_S * BigInt(ROUNDS)) * 1000 + 30_000;
  while (ours().length < ROUNDS && Date.now() < until) await sleep(200);
  clock.stop();
  const latencies = ours().map((r) =>
    Math.round(r.at - clock.reached(Number((r.json.schedule as { dueAt: string }).dueAt))),
  );
  log(
    `bench: schedule.due (${label}): chain clock ${offset} ms ahead of the wall clock at the start; ` +
      `${latencies.length}/${ROUNDS} rounds, ms after due: ${latencies.join(", ")}`,
  );
  await fetch(`${indexerUrl}/webhooks/${id}`, { method: "DELETE" });
  return {
    rounds: latencies.length,
    medianMs: Math.round(median(latencies)),
    maxMs: Math.max(...latencies),
    minMs: Math.min(...latencies),
  };
}

/**
 * Follows the node's clock by polling its pending block (a few ms apart) until stopped: `reached(t)`
 * is the wall time (ms) at which the pending block's timestamp first reached `t`, `offsetMs` how far
 * the chain's clock is ahead of the wall clock (its first tick over to a new second).
 */
function followChainClock(rpcUrl: string) {
  const ticks: { ts: number; at: number }[] = [];
  let stopped = false;
  let firstTick: (offset: number) => void = () => {};
  const offset = new Promise<number>((resolve) => (firstTick = resolve));
  void (async () => {
    let last: number | undefined;
    while (!stopped) {
      const before = performance.timeOrigin + performance.now();
      const ts = Number(
        (await rpc<{ timestamp: string }>(rpcUrl, "eth_getBlockByNumber", ["pending", false])).timestamp,
      );
      const at = (before + performance.timeOrigin + performance.now()) / 2;
      if (last !== undefined && ts > last) {
        ticks.push({ ts, at });
        if (ticks.length === 1) firstTick(Math.round(ts * 1000 - at));
      }
      last = ts;
      await sleep(5);
    }
  })();
  return {
    offsetMs: () => offset,
    reached: (t: number) => ticks.find((k) => k.ts >= t)?.at ?? Number.NaN,
    stop: () => {
      stopped = true;
    },
  };
}

/** Median and fastest wall time of `node sdk/bin/stigmergy.js …args` over `runs` runs, and its last stdout. */
function timeCli(args: string[], runs: number): CliRun & { stdout: string } {
  const times: number[] = [];
  let stdout = "";
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, [join(ROOT, "sdk", "bin", "stigmergy.js"), ...args], { encoding: "utf8" });
    times.push(performance.now() - started);
    if (r.status !== 0) throw new Error(`stigmergy ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    stdout = r.stdout;
  }
  return { medianMs: Math.round(median(times)), fastestMs: Math.round(Math.min(...times)), stdout };
}

export async function measureTime({ log }: { log: Log }): Promise<TimeBench> {
  const stack = await startStack();
  const receiver = await startReceiver();
  try {
    const indexer = await stack.indexer();
    const received = () => receiver.received.filter((r) => r.status === 200 && r.json.type === "schedule.due");
    log("bench: schedule.due on an automining node with no other traffic…");
    const automine = await dueLatencies(stack, indexer.url, receiver.url, received, "automine", log);
    await rpc(stack.node.url, "evm_setAutomine", [false]);
    await rpc(stack.node.url, "evm_setIntervalMining", [1_000]);
    log("bench: schedule.due on a node mining a block every second…");
    const interval = await dueLatencies(stack, indexer.url, receiver.url, received, "interval", log);

    log("bench: CLI start-up…");
    const post = taskPoster(stack.node.url, stack.deployment.contracts.TaskBoard!, 9);
    for (let i = 0; i < 20; i++) await post({ specURI: `ipfs://bench-list-${i}` });
    const runs = 10;
    const help = timeCli(["--help"], runs);
    const list = timeCli(
      ["task", "list", "--json", "--rpc", stack.node.url, "--indexer", indexer.url, "--deployments", stack.dir],
      runs,
    );
    const tasksListed = (JSON.parse(list.stdout) as { tasks: unknown[] }).tasks.length;
    const run = ({ medianMs, fastestMs }: CliRun): CliRun => ({ medianMs, fastestMs });
    return { due: { automine, interval }, cli: { runs, help: run(help), taskList: run(list), tasksListed } };
  } finally {
    await receiver.close();
    await stack.stop();
  }
}

export function timeTables(r: TimeBench): string {
  const row = (label: string, s: DueStat) =>
    `| ${label} | ${s.rounds} | ${s.medianMs} ms | ${s.maxMs} ms | ${s.minMs} ms |`;
  return [
    "**Shared time** (`schedule.due` webhook after a round can be claimed; " +
      "Hardhat node on 127.0.0.1, Ponder on PGlite; target ≤ 1 s)",
    "",
    "| node | rounds | median | max | min |",
    "|---|---:|---:|---:|---:|",
    row("automining, no other traffic (no block between rounds)", r.due.automine),
    row("a block every second", r.due.interval),
    "",
    "**CLI start-up** (the whole `stigmergy` process, Node's own start-up included, " +
      `${r.cli.runs} runs; target ≤ 300 ms)`,
    "",
    "| command | median | fastest |",
    "|---|---:|---:|",
    `| \`stigmergy --help\` | ${r.cli.help.medianMs} ms | ${r.cli.help.fastestMs} ms |`,
    `| \`stigmergy task list --json\` (local indexer, ${r.cli.tasksListed} tasks) | ` +
      `${r.cli.taskList.medianMs} ms | ${r.cli.taskList.fastestMs} ms |`,
  ].join("\n");
}
