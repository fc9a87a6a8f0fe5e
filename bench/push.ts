/**
 * Push, on a real Hardhat node and a real Ponder process. Reported, never asserted.
 *
 * - `measurePushLatency`: from a TaskBoard.postTask being mined (t0: eth_sendRawTransaction has
 *   returned; the node automines, so the block exists then) to, side by side for the same task: an
 *   SDK watcher's callback (`watchOpenTasks`, a /sql live query over SSE), a webhook delivery, and a
 *   viem `watchContractEvent` over the node's WebSocket (`eth_subscribe`: the floor). The overhead of
 *   a path is its arrival minus the floor's, per task. Each sampled task is cancelled before the
 *   next, so the watched open tasks stay few, and the next sample waits until the live query has
 *   dropped it: every sampled block meets an indexer done with the blocks before it (as on a chain
 *   with 2 s blocks), instead of queueing behind the cancellation mined a few ms earlier.
 * - `measureRpcLoad`: JSON-RPC calls reaching the node (counted by a relay in front of it, HTTP and
 *   WebSocket) per second while a task is posted every second, for 10, 100 and 1,000 agents watching
 *   open tasks through one indexer (SDK clients, each with its own SSE connection) versus as many
 *   agents each polling the node with viem `watchContractEvent` over HTTP at viem's default interval,
 *   one client each. The agents run in separate processes of up to 250 (bench/push-agents.ts); the
 *   indexer is stopped before the polling runs; the CPU of the indexer, the agents and the bench
 *   during each window is reported beside the counts.
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPublicClient, createWalletClient, http, parseEventLogs, webSocket } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { startRpcCounter } from "../scripts/lib/proxy.ts";
import { startReceiver } from "../scripts/lib/receiver.ts";
import { type Stack, type StackIndexer, startStack } from "../scripts/lib/stack.ts";
import { plainTask } from "../scripts/lib/tasks.ts";
import { MNEMONIC } from "../scripts/lib/workload.ts";
import { abis, type Context, createIndexerClient, watchOpenTasks } from "../sdk/src/index.ts";
import { CLIENTS_PER_PROCESS, forkChildren, processSizes, stopChildren, treeCpuMs } from "./children.ts";

const SECRET = "bench-push-secret-0123";
const AGENTS_SCRIPT = fileURLToPath(new URL("./push-agents.ts", import.meta.url));
/** Agents per load run. */
const SIZES = [10, 100, 1_000];
/** viem's default polling interval for a client over HTTP (its `pollingInterval` default). */
const VIEM_DEFAULT_POLLING_MS = 4_000;

export type Stat = { medianMs: number; p95Ms: number; maxMs: number };
export type PushLatency = {
  samples: number;
  /** Arrival after t0, per path. */
  subscribe: Stat;
  live: Stat;
  webhook: Stat;
  /** Arrival minus the `eth_subscribe` arrival of the same task. */
  liveOverhead: Stat;
  webhookOverhead: Stat;
};
export type LoadSide = {
  perSecond: number;
  byMethod: Record<string, number>;
  /** Agents that were told of every task posted in the window (within a few seconds after it). */
  agentsSawAll: number;
  /** Processes the agents ran in. */
  processes: number;
  /**
   * CPU used during the window, % of one core: the indexer (supervisor and Ponder), the agents,
   * the bench (poster and counter).
   */
  cpu: { indexerPct: number | undefined; agentsPct: number; benchPct: number };
  /** Blocks the indexer had yet to index when the window ended (indexer side). */
  behind: number | undefined;
};
export type LoadRun = { agents: number; indexer: LoadSide; polling: LoadSide };
export type RpcLoad = { windowSeconds: number; cores: number; runs: LoadRun[] };
/** The machine's 1-minute load average when the bench started and ended (other work shares it). */
export type PushBench = { latency: PushLatency; load: RpcLoad; loadAverage: [number, number] };

type Log = (line: string) => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const round1 = (x: number) => Math.round(x * 10) / 10;
export const stat = (xs: number[]): Stat => ({
  medianMs: round1(quantile(xs, 0.5)),
  p95Ms: round1(quantile(xs, 0.95)),
  maxMs: round1(Math.max(...xs)),
});

/** Posts tasks straight to the node; resolves with the task id and t0 (eth_sendRawTransaction returned). */
export async function taskPoster(stack: Pick<Stack, "node" | "deployment">) {
  const transport = http(stack.node.url);
  const publicClient = createPublicClient({ transport });
  const wallet = createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: 9 }), transport });
  const board = stack.deployment.contracts.TaskBoard!;
  const deadline = (await publicClient.getBlock()).timestamp + 30n * 86_400n;
  const post = async (): Promise<{ taskId: bigint; sentAt: number; blockNumber: bigint }> => {
    const hash = await wallet.writeContract({
      chain: null,
      address: board,
      abi: abis.TaskBoard,
      functionName: "postTask",
      args: [plainTask({ specURI: "ipfs://bench", deadline })],
      value: 1n,
    });
    const sentAt = performance.now();
    const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    const [posted] = parseEventLogs({ abi: abis.TaskBoard, eventName: "TaskPosted", logs: receipt.logs });
    return { taskId: posted!.args.taskId, sentAt, blockNumber: receipt.blockNumber };
  };
  const cancel = async (taskId: bigint) => {
    const hash = await wallet.writeContract({
      chain: null,
      address: board,
      abi: abis.TaskBoard,
      functionName: "cancel",
      args: [taskId],
    });
    await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  };
  const next = async () =>
    (await publicClient.readContract({ address: board, abi: abis.TaskBoard, functionName: "taskCount" })) + 1n;
  return { post, cancel, next };
}

/** When each task id was first heard of on one path. */
function arrivals() {
  const seen = new Map<bigint, number>();
  const waiting = new Map<bigint, (at: number) => void>();
  return {
    note: (id: bigint) => {
      if (seen.has(id)) return;
      const at = performance.now();
      seen.set(id, at);
      waiting.get(id)?.(at);
    },
    at: (id: bigint, timeoutMs: number) =>
      new Promise<number | undefined>((resolve) => {
        const known = seen.get(id);
        if (known !== undefined) return resolve(known);
        const timer = setTimeout(() => resolve(undefined), timeoutMs);
        waiting.set(id, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      }),
  };
}

/** An SDK context that reads through the indexer only (no wallet): what a watching agent holds. */
const readerContext = (stack: Stack, indexerUrl: string): Context => ({
  publicClient: createPublicClient({ transport: http(stack.node.url) }) as Context["publicClient"],
  walletClient: undefined,
  deployment: stack.deployment,
  indexer: createIndexerClient(indexerUrl),
  agentId: undefined,
});

/** (a) Latency from a mined postTask to each path, one task at a time. */
export async function measurePushLatency(
  stack: Stack,
  options: { samples?: number; log?: Log } = {},
): Promise<PushLatency> {
  const log = options.log ?? (() => {});
  const { post, cancel, next } = await taskPoster(stack);
  const indexer = await stack.indexer();
  const receiver = await startReceiver();
  const board = stack.deployment.contracts.TaskBoard!;
  const paths = { webhook: arrivals(), live: arrivals(), subscribe: arrivals() };

  const res = await fetch(`${indexer.url}/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: receiver.url, secret: SECRET, filter: { events: ["TaskPosted"] } }),
  });
  if (res.status !== 201) throw new Error(`webhook subscription refused: ${res.status} ${await res.text()}`);
  /** The open tasks as the live query last reported them. */
  let open = new Set<bigint>();
  const stopLive = watchOpenTasks(readerContext(stack, indexer.url), {
    onTasks: (tasks) => {
      open = new Set(tasks.map((t) => t.id));
      for (const t of tasks) paths.live.note(t.id);
    },
  });
  /** Until the indexer has indexed the task's cancellation (at most 5 s), so the next sample's block finds it idle. */
  const settled = async (taskId: bigint) => {
    for (let waited = 0; waited < 5_000 && open.has(taskId); waited += 10) await sleep(10);
  };
  const ws = createPublicClient({ transport: webSocket(`ws://127.0.0.1:${stack.node.port}`) });
  const unwatchWs = ws.watchContractEvent({
    address: board,
    abi: abis.TaskBoard,
    eventName: "TaskPosted",
    onLogs: (logs) => {
      for (const l of logs) paths.subscribe.note(l.args.taskId!);
    },
  });

  // The webhook body carries the task id as a decimal string.
  const hooked = (id: bigint) =>
    receiver
      .waitFor((r) => {
        const event = r.json.event as { name?: string; args?: { taskId?: string } } | undefined;
        return event?.name === "TaskPosted" && event.args?.taskId === id.toString();
      }, 15_000)
      .then(
        () => performance.now(),
        () => undefined,
      );

  try {
    // Warm-up: every path connected and delivering before the samples.
    await sleep(1_500);
    for (let attempt = 1; ; attempt++) {
      const warm = await post();
      const [h, l, w] = await Promise.all([
        hooked(warm.taskId),
        paths.live.at(warm.taskId, 15_000),
        paths.subscribe.at(warm.taskId, 15_000),
      ]);
      await cancel(warm.taskId);
      if (h !== undefined && l !== undefined && w !== undefined) break;
      if (attempt === 3)
        throw new Error(
          `warm-up task not seen (webhook ${h !== undefined}, live ${l !== undefined}, ` +
            `eth_subscribe ${w !== undefined})`,
        );
    }
    log("  push: all paths delivering");

    const samples = options.samples ?? 100;
    const t = {
      webhook: [] as number[],
      live: [] as number[],
      subscribe: [] as number[],
      liveOver: [] as number[],
      webhookOver: [] as number[],
    };
    for (let i = 1; i <= samples; i++) {
      await sleep(50 + Math.random() * 100);
      const id = await next();
      const webhookAt = hooked(id);
      const { taskId, sentAt } = await post();
      if (taskId !== id) throw new Error(`expected task ${id}, got ${taskId}`);
      const [hAt, lAt, sAt] = await Promise.all([
        webhookAt,
        paths.live.at(taskId, 15_000),
        paths.subscribe.at(taskId, 15_000),
      ]);
      if (hAt === undefined || lAt === undefined || sAt === undefined)
        throw new Error(`task ${taskId}: webhook ${hAt}, live ${lAt}, eth_subscribe ${sAt}`);
      // May be negative: the node's WebSocket can push a log before the send returns.
      t.webhook.push(hAt - sentAt);
      t.live.push(lAt - sentAt);
      t.subscribe.push(sAt - sentAt);
      t.liveOver.push(lAt - sAt);
      t.webhookOver.push(hAt - sAt);
      await cancel(taskId);
      await settled(taskId);
      if (i % 20 === 0) log(`  push: ${i}/${samples} samples`);
    }
    return {
      samples,
      subscribe: stat(t.subscribe),
      live: stat(t.live),
      webhook: stat(t.webhook),
      liveOverhead: stat(t.liveOver),
      webhookOverhead: stat(t.webhookOver),
    };
  } finally {
    stopLive();
    unwatchWs();
    await ws.transport.getRpcClient().then(
      (c) => c.close(),
      () => {},
    );
    await receiver.close();
    await indexer.stop();
  }
}

type Poster = Awaited<ReturnType<typeof taskPoster>>;

/**
 * Posts a task every second for `seconds`; returns the calls counted in that window (with `indexed`,
 * the indexer's head: until it has indexed the window's last block), the ids posted, and how many
 * blocks behind the indexer was when the window ended.
 */
async function loadWindow(
  post: Poster["post"],
  counter: Awaited<ReturnType<typeof startRpcCounter>>,
  seconds: number,
  indexed?: () => Promise<bigint | undefined>,
) {
  const ids: bigint[] = [];
  let lastBlock = 0n;
  await sleep(500);
  counter.reset();
  const started = performance.now();
  for (let i = 0; i < seconds; i++) {
    const posted = await post();
    ids.push(posted.taskId);
    lastBlock = posted.blockNumber;
    await sleep(started + (i + 1) * 1_000 - performance.now());
  }
  const elapsed = (performance.now() - started) / 1000;
  // The indexer's side: its calls for the window's blocks, counted until it has indexed the last one
  // (on a saturated machine it ends the window a few blocks behind, and fetches them just after).
  const head = indexed ? await indexed() : undefined;
  const behind = head === undefined ? undefined : Number(lastBlock > head ? lastBlock - head : 0n);
  if (indexed) for (let w = 0; w < 30_000 && ((await indexed()) ?? 0n) < lastBlock; w += 100) await sleep(100);
  return { calls: counter.calls(), elapsed, ids, behind };
}

/** Watching agents in separate processes (bench/push-agents.ts), driven over IPC. */
async function startAgents(mode: "indexer" | "polling", agents: number, url: string, deploymentFile: string) {
  const children = await forkChildren(
    AGENTS_SCRIPT,
    processSizes(agents).map((n) => [mode, String(n), url, deploymentFile]),
  );
  const sum = async (m: object, key: string) =>
    (await Promise.all(children.map((c) => c.ask(m)))).reduce((a, r) => a + Number(r[key]), 0);
  return {
    processes: children.length,
    seen: (id: bigint) => sum({ check: id.toString() }, "seen"),
    sawAll: (ids: bigint[]) => sum({ sawAll: ids.map(String) }, "sawAll"),
    cpuMs: () => sum({ cpu: true }, "cpuMs"),
    stop: () => stopChildren(children),
  };
}
type Agents = Awaited<ReturnType<typeof startAgents>>;

/** Posts a task until every agent has been told of the latest one (connections up, filters installed). */
async function warmUp(post: Poster["post"], agents: Agents, count: number, waitMs: number) {
  for (let attempt = 1; ; attempt++) {
    const { taskId } = await post();
    let seen = 0;
    for (let waited = 0; waited < waitMs; waited += 200) {
      seen = await agents.seen(taskId);
      if (seen === count) return;
      await sleep(200);
    }
    if (attempt === 5) throw new Error(`only ${seen}/${count} agents heard of the warm-up task`);
  }
}

/**
 * (b) RPC calls reaching the node per second: N agents through one indexer versus N agents polling
 * the node. The agents run in separate processes (at most CLIENTS_PER_PROCESS each); the indexer is
 * stopped before the polling runs, so their count is the agents' alone.
 */
export async function measureRpcLoad(
  stack: Stack,
  options: { sizes?: number[]; seconds?: number; log?: Log } = {},
): Promise<RpcLoad> {
  const log = options.log ?? (() => {});
  const seconds = options.seconds ?? 20;
  const sizes = options.sizes ?? SIZES;
  const { post } = await taskPoster(stack);
  const counter = await startRpcCounter(stack.node.url);
  const deploymentFile = join(stack.dir, `${stack.node.chainId}.json`);
  const cores = cpus().length;
  /** Runs one window with `agents` watching; the side's figures. */
  const run = async (agents: Agents, indexer: StackIndexer | undefined): Promise<LoadSide> => {
    const indexerPid = indexer?.process.pid;
    const indexed = indexer
      ? async () => {
          const status = (await (await fetch(`${indexer.url}/status`)).json()) as Record<
            string,
            { block?: { number: number } }
          >;
          const block = Object.values(status)[0]?.block;
          return block ? BigInt(block.number) : undefined;
        }
      : undefined;
    const cpu0 = {
      indexer: indexerPid ? treeCpuMs(indexerPid) : 0,
      agents: await agents.cpuMs(),
      bench: process.cpuUsage(),
    };
    const window = await loadWindow(post, counter, seconds, indexed);
    const ms = window.elapsed * 1000;
    const bench = process.cpuUsage(cpu0.bench);
    const cpu = {
      indexerPct: indexerPid ? round1(((treeCpuMs(indexerPid) - cpu0.indexer) / ms) * 100) : undefined,
      agentsPct: round1((((await agents.cpuMs()) - cpu0.agents) / ms) * 100),
      benchPct: round1(((bench.user + bench.system) / 1000 / ms) * 100),
    };
    await sleep(3_000);
    return {
      perSecond: round1(window.calls.total / window.elapsed),
      byMethod: window.calls.byMethod,
      agentsSawAll: await agents.sawAll(window.ids),
      processes: agents.processes,
      cpu,
      behind: window.behind,
    };
  };
  const indexerSides: LoadSide[] = [];
  const pollingSides: LoadSide[] = [];
  try {
    // One indexer on the counter (HTTP and its newHeads WebSocket both through it) for every size.
    const indexer = await stack.indexer({ rpcUrl: counter.url });
    try {
      for (const agents of sizes) {
        log(`  load: ${agents} SDK agents on the indexer (watchOpenTasks, one SSE connection each), ${seconds} s…`);
        const group = await startAgents("indexer", agents, indexer.url, deploymentFile);
        try {
          await warmUp(post, group, agents, 15_000);
          indexerSides.push(await run(group, indexer));
        } finally {
          await group.stop();
        }
        const side = indexerSides.at(-1)!;
        log(
          `  load: ${agents} agents on the indexer: ${side.perSecond} calls/s, ` +
            `${side.agentsSawAll}/${agents} told of every task, indexer CPU ${side.cpu.indexerPct} %`,
        );
        await sleep(2_000);
      }
    } finally {
      await indexer.stop();
    }
    for (const agents of sizes) {
      log(
        `  load: ${agents} viem agents polling the node ` +
          `(watchContractEvent over HTTP, ${VIEM_DEFAULT_POLLING_MS} ms; indexer stopped), ${seconds} s…`,
      );
      const group = await startAgents("polling", agents, counter.url, deploymentFile);
      try {
        await warmUp(post, group, agents, 3 * VIEM_DEFAULT_POLLING_MS);
        pollingSides.push(await run(group, undefined));
        await sleep(VIEM_DEFAULT_POLLING_MS);
      } finally {
        await group.stop();
      }
      log(`  load: ${agents} agents polling: ${pollingSides.at(-1)!.perSecond} calls/s`);
      await sleep(2_000);
    }
    return {
      windowSeconds: seconds,
      cores,
      runs: sizes.map((agents, i) => ({ agents, indexer: indexerSides[i]!, polling: pollingSides[i]! })),
    };
  } finally {
    await counter.close();
  }
}

/** Both measurements on one fresh stack. */
export async function measurePush(
  options: { samples?: number; sizes?: number[]; seconds?: number; log?: Log } = {},
): Promise<PushBench> {
  const before = round1(loadavg()[0]!);
  const stack = await startStack();
  try {
    const latency = await measurePushLatency(stack, options);
    const load = await measureRpcLoad(stack, options);
    return { latency, load, loadAverage: [before, round1(loadavg()[0]!)] };
  } finally {
    await stack.stop();
  }
}

export const PUSH_PLOT = "docs/push-load.svg";

/** The markdown tables `npm run bench` prints and writes to the README. */
export function pushTable(r: PushBench): string {
  const l = r.latency;
  const one = (v: number) => (Math.abs(v) < 1 ? "< 1 ms" : `${Math.round(v)} ms`);
  const ms = (s: Stat) => `${one(s.medianMs)} | ${one(s.p95Ms)} | ${one(s.maxMs)}`;
  const byMethod = (m: Record<string, number>) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(", ") || "none";
  const rates = r.load.runs.map((run) => run.indexer.perSecond);
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  const spread = Math.max(...rates.map((x) => Math.abs(x - mean) / mean)) * 100;
  const verdict = (s: Stat) => (s.medianMs <= 25 && s.p95Ms <= 80 ? "met" : "missed");
  return [
    "**Push latency** (Hardhat node on 127.0.0.1, automining; Ponder 0.16 on PGlite, " +
      "new heads over the node's WebSocket; " +
      `machine shared with other work: 1-minute load average ${r.loadAverage[0]} at the start, ` +
      `${r.loadAverage[1]} at the end, on ${r.load.cores} cores)`,
    "",
    `| mined → heard of (t0: eth_sendRawTransaction returned), ${l.samples} samples each, same tasks | ` +
      "median | p95 | max |",
    "|---|---:|---:|---:|",
    `| viem \`watchContractEvent\` over the node's WebSocket (\`eth_subscribe\`): the floor | ${ms(l.subscribe)} |`,
    `| SDK \`watchOpenTasks\` callback (/sql live query over SSE) | ${ms(l.live)} |`,
    `| webhook delivery (signed POST to a local receiver) | ${ms(l.webhook)} |`,
    "| overhead of the live query over `eth_subscribe` " +
      `(target median ≤ 25 ms, p95 ≤ 80 ms: ${verdict(l.liveOverhead)}) | ${ms(l.liveOverhead)} |`,
    "| overhead of the webhook over `eth_subscribe` " +
      `(target median ≤ 25 ms, p95 ≤ 80 ms: ${verdict(l.webhookOverhead)}) | ${ms(l.webhookOverhead)} |`,
    "",
    "**Load on the node** (JSON-RPC calls/s reaching it, counted by a relay, HTTP and WebSocket; " +
      `one task posted per second for ${r.load.windowSeconds} s). ` +
      `Agents in separate processes of up to ${CLIENTS_PER_PROCESS} (${r.load.cores} cores): ` +
      "on the indexer, SDK `watchOpenTasks`, each its own SSE connection; " +
      `polling, one viem client each, \`watchContractEvent\` over HTTP at viem's default ` +
      `${VIEM_DEFAULT_POLLING_MS / 1000} s, with the indexer stopped. ` +
      "The indexer's calls are counted until it has indexed the window's last block. " +
      "CPU: % of one core during the window.",
    "",
    "| agents | processes | via the indexer: calls/s | agents told of every task | " +
      "indexer behind at the window's end | CPU: indexer / agents / bench | " +
      "polling the node: calls/s | agents told of every task | indexer ÷ polling |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...r.load.runs.map((run) => {
      const c = run.indexer.cpu;
      const ratio = run.indexer.perSecond > 0 ? Math.round(run.polling.perSecond / run.indexer.perSecond) : "∞";
      return (
        `| ${run.agents.toLocaleString("en-US")} | ${run.indexer.processes} | ${run.indexer.perSecond} | ` +
        `${run.indexer.agentsSawAll}/${run.agents} | ${run.indexer.behind ?? "?"} blocks | ` +
        `${c.indexerPct} % / ${c.agentsPct} % / ${c.benchPct} % | ${run.polling.perSecond} | ` +
        `${run.polling.agentsSawAll}/${run.agents} | 1/${ratio} |`
      );
    }),
    "",
    `The indexer's rate across sizes: ${rates.join(", ")} calls/s, at most ${spread.toFixed(1)} % from their mean ` +
      `(target ±10 %: ${spread <= 10 ? "met" : "missed"}); ` +
      "the agents on the indexer send the node nothing. " +
      r.load.runs
        .map(
          (run) =>
            `${run.agents} agents — indexer: ${byMethod(run.indexer.byMethod)}; ` +
            `polling: ${byMethod(run.polling.byMethod)}`,
        )
        .join(". ") +
      ".",
    "",
    `![JSON-RPC calls per second against the number of watching agents](${PUSH_PLOT})`,
  ].join("\n");
}

/** A log-log SVG of calls/s against agents, both sides; written by hand (no plotting dependency). */
export function pushPlot(load: RpcLoad): string {
  const W = 820,
    H = 400,
    left = 70,
    right = 270,
    top = 30,
    bottom = 50;
  const xs = load.runs.map((r) => r.agents);
  const ys = load.runs.flatMap((r) => [r.indexer.perSecond, r.polling.perSecond]).filter((y) => y > 0);
  const [x0, x1] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
  const [y0, y1] = [Math.floor(Math.log10(Math.min(...ys))), Math.ceil(Math.log10(Math.max(...ys)))];
  const px = (x: number) => left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - left - right);
  const py = (y: number) => top + (1 - (Math.log10(Math.max(y, 10 ** y0)) - y0) / (y1 - y0 || 1)) * (H - top - bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
      `font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left}" y="18" font-size="14">JSON-RPC calls/s reaching the node, by watching agents (log–log)</text>`,
  ];
  for (let e = y0; e <= y1; e++) {
    const y = py(10 ** e);
    out.push(
      `<line x1="${left}" y1="${y}" x2="${W - right}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${left - 8}" y="${y + 4}" text-anchor="end">${10 ** e}</text>`,
    );
  }
  for (const x of xs) {
    out.push(
      `<line x1="${px(x)}" y1="${top}" x2="${px(x)}" y2="${H - bottom}" stroke="#ddd"/>`,
      `<text x="${px(x)}" y="${H - bottom + 18}" text-anchor="middle">${x.toLocaleString("en-US")}</text>`,
    );
  }
  out.push(`<text x="${(left + W - right) / 2}" y="${H - 10}" text-anchor="middle">agents</text>`);
  const series = [
    { name: "agents polling the node (viem, 4 s)", color: "#c0392b", pick: (r: LoadRun) => r.polling.perSecond },
    { name: "agents on one indexer (SDK live queries)", color: "#2471a3", pick: (r: LoadRun) => r.indexer.perSecond },
  ];
  series.forEach((s, i) => {
    const points = load.runs.map((r) => `${px(r.agents).toFixed(1)},${py(s.pick(r)).toFixed(1)}`);
    out.push(`<polyline points="${points.join(" ")}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const r of load.runs)
      out.push(
        `<circle cx="${px(r.agents).toFixed(1)}" cy="${py(s.pick(r)).toFixed(1)}" r="4" fill="${s.color}">` +
          `<title>${s.pick(r)} calls/s</title></circle>`,
      );
    out.push(
      `<rect x="${W - right + 12}" y="${top + 10 + i * 22}" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${W - right + 30}" y="${top + 20 + i * 22}">${s.name}</text>`,
    );
  });
  out.push("</svg>", "");
  return out.join("\n");
}

export function writePushPlot(load: RpcLoad): void {
  writeFileSync(PUSH_PLOT, pushPlot(load));
}
