/**
 * Push versus polling, on a real Hardhat node and a real Ponder process. Reported, never asserted.
 *
 * - `measurePushLatency`: from a TaskBoard.postTask being mined (t0: eth_sendRawTransaction has
 *   returned; the node automines, so the block exists then) to a webhook delivery, a /sql live-query
 *   push, and a plain viem `watchContractEvent` on the node, polling over HTTP at the indexer's
 *   interval and (when the node takes it) `eth_subscribe` over WebSocket.
 * - `measureRpcLoad`: JSON-RPC calls reaching the node (counted by a relay in front of it) in a
 *   fixed window while a task is posted every second, for 100 agents watching open tasks through one
 *   indexer (live queries; the agents are this process) versus 100 agents each polling the node with
 *   viem `watchContractEvent`, each with its own client; the indexer and the agents both poll every
 *   1 s. The indexer's cost follows the blocks (a poll per interval, eth_getLogs per block with a
 *   matching event), the agents' the polls times the agents.
 */
import { type Client, createClient, desc, eq } from "@ponder/client";
import { createPublicClient, createWalletClient, http, keccak256, parseEventLogs, toHex, webSocket, zeroAddress, zeroHash } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { MNEMONIC } from "../scripts/lib/workload.ts";
import * as schema from "../indexer/ponder.schema.ts";
import { startRpcCounter } from "../scripts/lib/proxy.ts";
import { abis } from "../sdk/src/index.ts";
import { startReceiver } from "../scripts/lib/receiver.ts";
import { type Stack, startStack } from "../scripts/lib/stack.ts";

const SECRET = "bench-push-secret-0123";
/** The indexer's default polling interval on a local node (STIGMERGY_POLLING_INTERVAL). */
const POLLING_MS = 250;
/** The polling interval of both sides of the RPC-load comparison. */
const LOAD_POLLING_MS = 1_000;

export type Stat = { medianMs: number; p95Ms: number };
export type PushLatency = {
  samples: number;
  pollingIntervalMs: number;
  webhook: Stat;
  live: Stat;
  viemPolling: Stat;
  /** A string when the node's WebSocket `eth_subscribe` delivered nothing: what went wrong. */
  viemWebSocket: Stat | string;
};
export type LoadSide = {
  calls: number;
  perSecond: number;
  byMethod: Record<string, number>;
  /** Agents that were told of every task posted in the window (within a few seconds after it). */
  agentsSawAll: number;
};
export type RpcLoad = { windowSeconds: number; agents: number; tasksPosted: number; indexer: LoadSide; polling: LoadSide };
export type PushBench = { latency: PushLatency; load: RpcLoad };

type Log = (line: string) => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const stat = (xs: number[]): Stat => ({ medianMs: Math.round(quantile(xs, 0.5)), p95Ms: Math.round(quantile(xs, 0.95)) });

/** Posts tasks straight to the node; resolves with the task id and t0 (eth_sendRawTransaction returned). */
async function taskPoster(stack: Stack) {
  const transport = http(stack.node.url);
  const publicClient = createPublicClient({ transport });
  const wallet = createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: 9 }), transport });
  const deadline = (await publicClient.getBlock()).timestamp + 30n * 86_400n;
  return async (): Promise<{ taskId: bigint; sentAt: number }> => {
    const hash = await wallet.writeContract({
      chain: null,
      address: stack.deployment.contracts.TaskBoard!,
      abi: abis.TaskBoard,
      functionName: "postTask",
      args: [{ capability: zeroHash, specURI: "ipfs://bench", specHash: keccak256(toHex("bench")), rewardToken: zeroAddress, reward: 1n, maxReward: 1n, claimBond: 0n, minStake: 0n, abandonSlash: 0n, leaseDuration: 60n, notBefore: 0n, deadline, reviewWindow: 60n, approver: zeroAddress }],
      value: 1n,
    });
    const sentAt = performance.now();
    const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    const [posted] = parseEventLogs({ abi: abis.TaskBoard, eventName: "TaskPosted", logs: receipt.logs });
    return { taskId: posted!.args.taskId, sentAt };
  };
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
        waiting.set(id, (at) => (clearTimeout(timer), resolve(at)));
      }),
  };
}

/**
 * A live query over the newest open tasks, resubscribing on error (Ponder answers 503 for about a
 * second after /ready). Returns the unsubscribe function.
 */
function watchOpenTasks(client: Client<typeof schema>, onIds: (ids: bigint[]) => void): () => void {
  let stopped = false;
  let subscription = { unsubscribe: () => {} };
  const subscribe = () => {
    if (stopped) return;
    subscription = client.live(
      (db) => db.select({ id: schema.task.id }).from(schema.task).where(eq(schema.task.status, "open")).orderBy(desc(schema.task.id)).limit(10),
      (rows) => onIds(rows.map((r) => r.id)),
      () => {
        subscription.unsubscribe();
        setTimeout(subscribe, 250);
      },
    );
  };
  subscribe();
  return () => {
    stopped = true;
    subscription.unsubscribe();
  };
}

/** (a) Latency from a mined postTask to each path, one task at a time. */
export async function measurePushLatency(stack: Stack, options: { samples?: number; log?: Log } = {}): Promise<PushLatency> {
  const log = options.log ?? (() => {});
  const post = await taskPoster(stack);
  const indexer = await stack.indexer();
  const receiver = await startReceiver();
  const board = stack.deployment.contracts.TaskBoard!;
  const paths = { webhook: arrivals(), live: arrivals(), viemPolling: arrivals(), viemWebSocket: arrivals() };

  const res = await fetch(`${indexer.url}/webhooks`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: receiver.url, secret: SECRET, filter: { events: ["TaskPosted"] } }) });
  if (res.status !== 201) throw new Error(`webhook subscription refused: ${res.status} ${await res.text()}`);
  const stopLive = watchOpenTasks(createClient(`${indexer.url}/sql`, { schema }), (ids) => ids.forEach(paths.live.note));
  const polling = createPublicClient({ transport: http(stack.node.url), pollingInterval: POLLING_MS });
  const unwatchPolling = polling.watchContractEvent({ address: board, abi: abis.TaskBoard, eventName: "TaskPosted", pollingInterval: POLLING_MS, onLogs: (logs) => logs.forEach((l) => paths.viemPolling.note(l.args.taskId!)) });
  let wsError = "";
  const ws = createPublicClient({ transport: webSocket(`ws://127.0.0.1:${stack.node.port}`, { reconnect: false }) });
  const unwatchWs = ws.watchContractEvent({ address: board, abi: abis.TaskBoard, eventName: "TaskPosted", onLogs: (logs) => logs.forEach((l) => paths.viemWebSocket.note(l.args.taskId!)), onError: (e) => (wsError ||= e.message.split("\n")[0]!) });

  // The webhook body carries the task id as a decimal string.
  const hooked = (id: bigint) =>
    receiver
      .waitFor((r) => {
        const event = r.json.event as { name?: string; args?: { taskId?: string } } | undefined;
        return event?.name === "TaskPosted" && event.args?.taskId === id.toString();
      }, 15_000)
      .then(() => performance.now(), () => undefined);

  try {
    // Warm-up: every path connected and delivering before the samples.
    await sleep(1_500);
    const warm = await post();
    const [h, l, p, w] = await Promise.all([hooked(warm.taskId), paths.live.at(warm.taskId, 15_000), paths.viemPolling.at(warm.taskId, 15_000), paths.viemWebSocket.at(warm.taskId, 10_000)]);
    if (h === undefined || l === undefined || p === undefined) throw new Error(`warm-up task not seen (webhook ${h !== undefined}, live ${l !== undefined}, polling ${p !== undefined})`);
    const wsWorks = w !== undefined;
    log(`  push: all paths delivering; WebSocket eth_subscribe ${wsWorks ? "works" : `delivered nothing${wsError ? ` (${wsError})` : ""}`}`);

    const samples = options.samples ?? 40;
    const times = { webhook: [] as number[], live: [] as number[], viemPolling: [] as number[], viemWebSocket: [] as number[] };
    for (let i = 1; i <= samples; i++) {
      await sleep(Math.random() * POLLING_MS); // spread the posts over the polling phase
      const next = (await polling.readContract({ address: board, abi: abis.TaskBoard, functionName: "taskCount" })) + 1n;
      const webhookAt = hooked(next);
      const { taskId, sentAt } = await post();
      if (taskId !== next) throw new Error(`expected task ${next}, got ${taskId}`);
      const [hAt, lAt, pAt, wAt] = await Promise.all([webhookAt, paths.live.at(taskId, 15_000), paths.viemPolling.at(taskId, 15_000), wsWorks ? paths.viemWebSocket.at(taskId, 15_000) : undefined]);
      const add = (xs: number[], at: number | undefined, name: string) => {
        if (at === undefined) throw new Error(`task ${taskId}: no ${name} within 15 s`);
        xs.push(at - sentAt); // may be negative: a WebSocket log can arrive before the send returns
      };
      add(times.webhook, hAt, "webhook");
      add(times.live, lAt, "live-query push");
      add(times.viemPolling, pAt, "viem polling log");
      if (wsWorks) add(times.viemWebSocket, wAt, "WebSocket log");
      if (i % 10 === 0) log(`  push: ${i}/${samples} samples`);
    }
    return {
      samples,
      pollingIntervalMs: POLLING_MS,
      webhook: stat(times.webhook),
      live: stat(times.live),
      viemPolling: stat(times.viemPolling),
      viemWebSocket: wsWorks ? stat(times.viemWebSocket) : wsError || "no log within 10 s",
    };
  } finally {
    stopLive();
    unwatchPolling();
    unwatchWs();
    await ws.transport.getRpcClient().then((c) => c.close(), () => {});
    await receiver.close();
    await indexer.stop();
  }
}

/** Posts a task every second for `seconds`; returns the calls counted in exactly that window and the ids posted. */
async function loadWindow(post: Awaited<ReturnType<typeof taskPoster>>, counter: Awaited<ReturnType<typeof startRpcCounter>>, seconds: number) {
  counter.reset();
  const started = performance.now();
  const ids: bigint[] = [];
  for (let i = 0; i < seconds; i++) {
    ids.push((await post()).taskId);
    await sleep(started + (i + 1) * 1_000 - performance.now());
  }
  return { calls: counter.calls(), ids };
}

/** Posts a task until every agent has been told of the latest one (connections up, filters installed). */
async function warmUp(post: Awaited<ReturnType<typeof taskPoster>>, seen: Set<bigint>[]) {
  for (let attempt = 1; ; attempt++) {
    const { taskId } = await post();
    for (let waited = 0; waited < 5_000; waited += 100) {
      if (seen.every((s) => s.has(taskId))) return;
      await sleep(100);
    }
    if (attempt === 10) throw new Error(`only ${seen.filter((s) => s.has(taskId)).length}/${seen.length} agents heard of the warm-up task`);
  }
}

/** (b) RPC calls reaching the node: 100 agents through one indexer versus 100 agents polling the node. */
export async function measureRpcLoad(stack: Stack, options: { agents?: number; seconds?: number; log?: Log } = {}): Promise<RpcLoad> {
  const log = options.log ?? (() => {});
  const agents = options.agents ?? 100;
  const seconds = options.seconds ?? 30;
  const post = await taskPoster(stack);
  const counter = await startRpcCounter(stack.node.url);
  const side = (calls: { total: number; byMethod: Record<string, number> }, seen: Set<bigint>[], ids: bigint[]): LoadSide => ({
    calls: calls.total,
    perSecond: Math.round((calls.total / seconds) * 10) / 10,
    byMethod: calls.byMethod,
    agentsSawAll: seen.filter((s) => ids.every((id) => s.has(id))).length,
  });
  try {
    // 1. One indexer on the counter, 100 live queries on it.
    log(`  load: one indexer through the counter, ${agents} live-query agents, ${seconds} s…`);
    // The indexer polls the node at the agents' cadence (1 s), so the comparison is like for like.
    const indexer = await stack.indexer({ rpcUrl: counter.url, pollingInterval: LOAD_POLLING_MS });
    const client = createClient(`${indexer.url}/sql`, { schema });
    const liveSeen = Array.from({ length: agents }, () => new Set<bigint>());
    const stops = liveSeen.map((seen) => watchOpenTasks(client, (ids) => ids.forEach((id) => seen.add(id))));
    await sleep(1_500);
    await warmUp(post, liveSeen); // live queries push changes only: a first task shows each is connected
    const viaIndexer = await loadWindow(post, counter, seconds);
    await sleep(3_000);
    stops.forEach((stop) => stop());
    await indexer.stop();
    const indexerSide = side(viaIndexer.calls, liveSeen, viaIndexer.ids);

    // 2. 100 viem agents polling the node through the counter.
    log(`  load: ${agents} viem agents polling the node (watchContractEvent, 1 s), ${seconds} s…`);
    const pollSeen = Array.from({ length: agents }, () => new Set<bigint>());
    const unwatch = pollSeen.map((seen) =>
      createPublicClient({ transport: http(counter.url) }).watchContractEvent({
        address: stack.deployment.contracts.TaskBoard!,
        abi: abis.TaskBoard,
        eventName: "TaskPosted",
        pollingInterval: LOAD_POLLING_MS,
        onLogs: (logs) => logs.forEach((l) => seen.add(l.args.taskId!)),
      }),
    );
    await warmUp(post, pollSeen);
    const direct = await loadWindow(post, counter, seconds);
    await sleep(3_000);
    unwatch.forEach((u) => u());
    return { windowSeconds: seconds, agents, tasksPosted: viaIndexer.ids.length, indexer: indexerSide, polling: side(direct.calls, pollSeen, direct.ids) };
  } finally {
    await counter.close();
  }
}

/** Both measurements on one fresh stack. */
export async function measurePush(options: { samples?: number; agents?: number; seconds?: number; log?: Log } = {}): Promise<PushBench> {
  const stack = await startStack();
  try {
    const latency = await measurePushLatency(stack, options);
    const load = await measureRpcLoad(stack, options);
    return { latency, load };
  } finally {
    await stack.stop();
  }
}

/** The markdown table `npm run bench` prints and writes to the README. */
export function pushTable(r: PushBench): string {
  const l = r.latency;
  const ws = typeof l.viemWebSocket === "string" ? undefined : l.viemWebSocket;
  // The node's WebSocket can push a log before eth_sendRawTransaction has returned: below t0.
  const one = (v: number) => (v < 1 ? "< 1 ms" : `${v} ms`);
  const ms = (s: Stat) => `${one(s.medianMs)} | ${one(s.p95Ms)}`;
  const ratio = (a: number, b: number) => (a <= 0 || b <= 0 ? "—" : `${(a / b).toFixed(1)}×`);
  const byMethod = (m: Record<string, number>) => Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ");
  const { indexer, polling } = r.load;
  return [
    `**Push vs polling** (Hardhat node on 127.0.0.1, automining; Ponder 0.16 on PGlite polling every ${l.pollingIntervalMs} ms)`,
    "",
    `| mined → heard of (t0: eth_sendRawTransaction returned), ${l.samples} samples | median | p95 | median ÷ direct polling |`,
    "|---|---:|---:|---:|",
    `| webhook delivery (indexer) | ${ms(l.webhook)} | ${ratio(l.webhook.medianMs, l.viemPolling.medianMs)} |`,
    `| /sql live-query push (indexer) | ${ms(l.live)} | ${ratio(l.live.medianMs, l.viemPolling.medianMs)} |`,
    `| viem watchContractEvent on the node, HTTP polling every ${l.pollingIntervalMs} ms | ${ms(l.viemPolling)} | 1.0× |`,
    ws
      ? `| viem watchContractEvent on the node, WebSocket eth_subscribe | ${ms(ws)} | ${ratio(ws.medianMs, l.viemPolling.medianMs)} |`
      : `| viem watchContractEvent on the node, WebSocket eth_subscribe | not measured: ${l.viemWebSocket} | | |`,
    "",
    `| JSON-RPC calls reaching the node in ${r.load.windowSeconds} s, one task posted per second (${r.load.tasksPosted}) | calls | calls/s | agents told of every task |`,
    "|---|---:|---:|---:|",
    `| ${r.load.agents} agents on one indexer polling every 1 s (live queries from one process; only the indexer calls the node) | ${indexer.calls.toLocaleString("en-US")} | ${indexer.perSecond} | ${indexer.agentsSawAll}/${r.load.agents} |`,
    `| ${r.load.agents} agents polling the node (viem watchContractEvent every 1 s, one client each) | ${polling.calls.toLocaleString("en-US")} | ${polling.perSecond} | ${polling.agentsSawAll}/${r.load.agents} |`,
    `| ratio indexer ÷ polling (DESIGN target ≤ 1/50) | 1/${indexer.calls === 0 ? "∞" : Math.round(polling.calls / indexer.calls)} | | |`,
    "",
    `Indexer calls by method: ${byMethod(indexer.byMethod)}. Polling agents' calls by method: ${byMethod(polling.byMethod)}.`,
  ].join("\n");
}
