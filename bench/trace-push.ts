/**
 * A block's path through the indexer, stage by stage (not part of `npm run bench`):
 * `npx tsx bench/trace-push.ts [samples=20] [--verbose | --lines]`. Ponder runs with its trace log
 * level; each log line carries its own time (ms), so the stages of the block that holds a posted
 * task are read off the lines: new head received, block and logs fetched, handlers run, reorg
 * rows committed, checkpoint written (the pg_notify), live queries invalidated, then the SDK
 * watcher's callback and the webhook's arrival here. Each sample waits until the indexer has
 * indexed the previous task's cancellation. Times are ms after eth_sendRawTransaction returned.
 */
import { createPublicClient, http, webSocket } from "viem";
import { startReceiver } from "../scripts/lib/receiver.ts";
import { startStack } from "../scripts/lib/stack.ts";
import { abis, type Context, createIndexerClient, watchOpenTasks } from "../sdk/src/index.ts";
import { taskPoster } from "./push.ts";

/** A log line's own time (HH:MM:SS.mmm, local), on this process's performance.now() scale. */
function logged(text: string): number | undefined {
  const m = /^(\d\d):(\d\d):(\d\d)\.(\d\d\d) /.exec(text);
  if (!m) return undefined;
  const now = new Date();
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const wall = midnight + ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
  return wall - performance.timeOrigin;
}
const args = process.argv.slice(2);
const samples = Number(args.find((a) => /^\d+$/.test(a)) ?? 20);
const verbose = args.includes("--verbose") || args.includes("--lines");
const stack = await startStack();
const lines: { at: number; text: string }[] = [];
let partial = "";
const indexer = await stack.indexer({
  env: { PONDER_LOG_LEVEL: "trace", NO_COLOR: "1" },
  onOutput: (chunk) => {
    const at = performance.now();
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    for (const text of parts) lines.push({ at: logged(text) ?? at, text });
  },
});
const { post, cancel } = await taskPoster(stack);
const receiver = await startReceiver();
await fetch(`${indexer.url}/webhooks`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ url: receiver.url, secret: "trace-secret-0123456789", filter: { events: ["TaskPosted"] } }),
});
const live = new Map<bigint, number>();
const ctx: Context = {
  publicClient: createPublicClient({ transport: http(stack.node.url) }) as Context["publicClient"],
  walletClient: undefined,
  deployment: stack.deployment,
  indexer: createIndexerClient(indexer.url),
  agentId: undefined,
};
let open = new Set<bigint>();
const stopLive = watchOpenTasks(ctx, {
  onTasks: (tasks) => {
    open = new Set(tasks.map((t) => t.id));
    for (const t of tasks) if (!live.has(t.id)) live.set(t.id, performance.now());
  },
});
const subs = new Map<bigint, number>();
const ws = createPublicClient({ transport: webSocket(`ws://127.0.0.1:${stack.node.port}`) });
ws.watchContractEvent({
  address: stack.deployment.contracts.TaskBoard!,
  abi: abis.TaskBoard,
  eventName: "TaskPosted",
  onLogs: (logs) => {
    for (const l of logs) if (!subs.has(l.args.taskId!)) subs.set(l.args.taskId!, performance.now());
  },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
await sleep(2000);

const stages: Record<string, number[]> = {};
const add = (k: string, v: number | undefined) => {
  if (v === undefined) return;
  stages[k] ??= [];
  stages[k].push(v);
};
for (let i = 0; i < samples + 2; i++) {
  await sleep(100 + Math.random() * 100);
  const from = lines.length;
  const { taskId, sentAt, blockNumber } = await post();
  const hookAt = await receiver
    .waitFor((r) => (r.json.event as { args?: { taskId?: string } })?.args?.taskId === taskId.toString(), 15_000)
    .then(() => performance.now());
  for (let w = 0; w < 100 && !live.has(taskId); w++) await sleep(10);
  await sleep(50);
  const mine = lines.slice(from);
  const n = `number=${blockNumber}`;
  const first = (re: RegExp, needNumber = true) =>
    mine.find((l) => re.test(l.text) && (!needNumber || l.text.includes(n)))?.at;
  const rel = (t: number | undefined) => (t === undefined ? undefined : Math.round((t - sentAt) * 10) / 10);
  const row = {
    subscribe: rel(subs.get(taskId)),
    newHead: rel(first(/Received new head block/)),
    fetched: rel(first(/Added block to local chain/)),
    processing: rel(first(/Processing block events/)),
    processed: rel(first(/Processed block events/)),
    committed: rel(first(/Committed reorg data/)),
    indexed: rel(first(/Indexed block/)),
    liveUpdated: rel(first(/Updated live queries/, false)),
    sdk: rel(live.get(taskId)),
    webhook: rel(hookAt),
  };
  if (i >= 2) for (const [k, v] of Object.entries(row)) add(k, v);
  if (verbose) console.log(taskId, JSON.stringify(row));
  if (args.includes("--lines")) for (const l of mine) console.log(Math.round(l.at - sentAt), l.text.slice(0, 220));
  await cancel(taskId);
  for (let w = 0; w < 500 && open.has(taskId); w++) await sleep(10);
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
console.log("stage (ms after eth_sendRawTransaction returned) | median | p95 | n");
for (const [k, xs] of Object.entries(stages)) console.log(`${k.padEnd(12)} | ${med(xs)} | ${p95(xs)} | ${xs.length}`);
stopLive();
await receiver.close();
await indexer.stop();
await stack.stop();
process.exit(0);
