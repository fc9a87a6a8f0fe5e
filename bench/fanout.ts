/**
 * Fan-out and scale-out on PostgreSQL, on a real Hardhat node and the cluster `npm run indexer:cluster`
 * starts (scripts/cluster.ts: one `ponder start` writer with a views schema, two `ponder serve`
 * readers on the same database). Reported, never asserted by timing; the test asserts that nobody
 * missed a task.
 *
 * A run: `subscribers` SDK indexer clients, in child processes of up to 250 like the agents they stand for
 * (bench/fanout-subscribers.ts), each given both readers (half of them reader 1 first, half reader 2 first),
 * each holding one live query over the tasks posted from the run's first id on. Then a burst: `tasks`
 * TaskBoard.postTask, one every `gapMs` (default 250 ms: four blocks a second, eight times an OP-stack
 * chain's 2 s blocks), each mined at once (automine).
 * Push latency is, per subscriber and task, from the task being mined (t0: eth_sendRawTransaction has
 * returned) to the subscriber's callback first holding it. A subscriber that never holds a task is a
 * miss. With `killReader`, that reader is SIGKILLed (its supervisor and Ponder) after `killAfter`
 * tasks: its subscribers' streams drop, the SDK reconnects them to the other reader and re-delivers
 * the current rows there.
 */
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { type RunningCluster, runCluster } from "../scripts/lib/cluster.ts";
import { freePort } from "../scripts/lib/processes.ts";
import { type Stack, startStack } from "../scripts/lib/stack.ts";
import { forkChildren, machineBusyMs, processSizes, stopChildren, treeCpuMs } from "./children.ts";
import { type Stat, stat, taskPoster } from "./push.ts";

type Log = (line: string) => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export type FanoutRun = {
  subscribers: number;
  /** Processes the subscribers ran in (at most CLIENTS_PER_PROCESS each). */
  processes: number;
  tasks: number;
  /** Subscribers whose stream opened on each reader first. */
  opened: number[];
  /** Subscriber × task pairs measured. */
  samples: number;
  latency: Stat;
  /**
   * Per task, its first delivery to any subscriber: the pipeline (node → writer → NOTIFY → a reader)
   * without the fan-out.
   */
  first: Stat;
  /** Per task, its last delivery minus its first: the fan-out's spread. */
  spread: Stat;
  /** Subscriber × task pairs never delivered. */
  missed: number;
  /** Subscribers that ended on another indexer than they started on. */
  moved: number;
  /** CPU during the burst, in % of one core: the writer, the readers, the subscribers' processes, and the
   * rest of the machine (node, PostgreSQL, this bench, anything else running); none when a reader was killed
   * (its CPU time leaves /proc with it). */
  cpu?: { writer: number; readers: number; subscribers: number; rest: number };
};

export type FanoutOptions = {
  subscribers: number;
  tasks: number;
  /** Reader index (0 or 1) to SIGKILL mid-burst. */
  killReader?: number;
  /** Tasks posted before the kill (default half). */
  killAfter?: number;
  /** Readers to spread over (default every reader of the cluster). */
  readers?: number[];
  /** Milliseconds from one post to the next (default 250). */
  gapMs?: number;
  /** How long to wait after the burst for late deliveries before counting misses. */
  settleMs?: number;
  log?: Log;
};

const SUBSCRIBERS_SCRIPT = fileURLToPath(new URL("./fanout-subscribers.ts", import.meta.url));

/** One run against a started cluster. */
export async function fanoutRun(
  stack: Pick<Stack, "node" | "deployment">,
  cluster: RunningCluster,
  options: FanoutOptions,
): Promise<FanoutRun> {
  const log = options.log ?? (() => {});
  const { post, next } = await taskPoster(stack);
  const urls = (options.readers ?? cluster.readers.map((_, i) => i)).map((i) => cluster.readers[i]!.url);
  const first = await next();
  let offset = 0;
  const args = processSizes(options.subscribers).map((n) => {
    const list = [String(n), String(offset), String(first), JSON.stringify(urls)];
    offset += n;
    return list;
  });
  const children = await forkChildren(SUBSCRIBERS_SCRIPT, args);
  /** Each subscriber's deliveries (task id → absolute ms) and the reader it is on now. */
  const report = async () => {
    const replies = await Promise.all(children.map((c) => c.ask({ report: true })));
    return {
      seen: replies.flatMap((r) => (r.seen as [string, number][][]).map((pairs) => new Map(pairs))),
      on: replies.flatMap((r) => r.urls as string[]),
    };
  };
  try {
    const opened = urls.map(() => 0);
    for (const url of (await report()).on) opened[urls.indexOf(url)]!++;
    log(
      `  fan-out: ${options.subscribers} live queries open in ${children.length} processes ` +
        `(${opened.join(" + ")} over ${urls.length} readers); burst of ${options.tasks} tasks`,
    );

    /** Task id → when it was mined (absolute ms). */
    const sent = new Map<string, number>();
    const killAfter = options.killAfter ?? Math.floor(options.tasks / 2);
    const gap = options.gapMs ?? 250;
    const cpuNow = () => {
      const writer = treeCpuMs(cluster.writer.pid);
      const readers = cluster.readers.reduce((a, r) => a + treeCpuMs(r.pid), 0);
      const subscribers = children.reduce((a, c) => a + treeCpuMs(c.child.pid!), 0);
      return { writer, readers, subscribers, rest: machineBusyMs() - writer - readers - subscribers };
    };
    const cpu0 = cpuNow();
    const started = performance.now();
    for (let k = 0; k < options.tasks; k++) {
      await sleep(started + k * gap - performance.now());
      if (options.killReader !== undefined && k === killAfter) {
        cluster.killReader(options.killReader);
        log(`  fan-out: killed reader ${options.killReader + 1} (SIGKILL) after ${k} tasks`);
      }
      const { taskId, sentAt } = await post();
      sent.set(taskId.toString(), performance.timeOrigin + sentAt);
    }

    let last = await report();
    const cpu1 = cpuNow();
    const burstMs = performance.now() - started;
    const pct = (k: keyof typeof cpu0) => Math.round(((cpu1[k] - cpu0[k]) / burstMs) * 1000) / 10;
    const cpu =
      options.killReader === undefined
        ? { writer: pct("writer"), readers: pct("readers"), subscribers: pct("subscribers"), rest: pct("rest") }
        : undefined;
    const complete = () => last.seen.every((s) => [...sent.keys()].every((id) => s.has(id)));
    const settle = options.settleMs ?? 30_000;
    for (let waited = 0; !complete() && waited < settle; waited += 250) {
      await sleep(250);
      last = await report();
    }

    const latencies: number[] = [];
    const firsts: number[] = [];
    const spreads: number[] = [];
    for (const [id, sentAt] of sent) {
      const ats = last.seen.map((s) => s.get(id)).filter((at) => at !== undefined);
      if (ats.length === 0) continue;
      firsts.push(Math.min(...ats) - sentAt);
      spreads.push(Math.max(...ats) - Math.min(...ats));
    }
    let missed = 0;
    for (const s of last.seen) {
      for (const [id, sentAt] of sent) {
        const at = s.get(id);
        if (at === undefined) missed++;
        else latencies.push(at - sentAt);
      }
    }
    const moved = last.on.filter((url, i) => url !== urls[i % urls.length]).length;
    return {
      subscribers: options.subscribers,
      processes: children.length,
      tasks: sent.size,
      opened,
      samples: latencies.length,
      latency: stat(latencies),
      first: stat(firsts),
      spread: stat(spreads),
      missed,
      moved,
      cpu,
    };
  } finally {
    await stopChildren(children);
  }
}

export type FanoutBench = { single: FanoutRun; fanout: FanoutRun; kill: FanoutRun };

/**
 * The bench: a node, the cluster script, then one subscriber (the baseline), `subscribers` spread over
 * both readers, and the same again with reader 2 killed mid-burst.
 */
export async function measureFanout(
  options: { subscribers?: number; tasks?: number; log?: Log } = {},
): Promise<FanoutBench> {
  const log = options.log ?? (() => {});
  const subscribers = options.subscribers ?? 2_000;
  const tasks = options.tasks ?? 40;
  const stack = await startStack();
  let cluster: RunningCluster | undefined;
  try {
    cluster = await runCluster(clusterEnv(stack, await freePort(), subscribers));
    log(
      `  fan-out: cluster up (writer ${cluster.writer.url}, readers ${cluster.readers.map((r) => r.url).join(", ")})`,
    );
    const single = await fanoutRun(stack, cluster, { subscribers: 1, tasks, readers: [0], log });
    const fanout = await fanoutRun(stack, cluster, { subscribers, tasks, log });
    const kill = await fanoutRun(stack, cluster, { subscribers, tasks, killReader: 1, log });
    return { single, fanout, kill };
  } finally {
    await cluster?.stop();
    await stack.stop();
  }
}

/**
 * The cluster script's environment for a stack: the writer on `port`, readers after it, a throwaway
 * PostgreSQL, and room on each reader for every subscriber (one takes over the other's when it dies).
 */
export function clusterEnv(stack: Pick<Stack, "node" | "dir">, port: number, subscribers: number): NodeJS.ProcessEnv {
  return {
    STIGMERGY_RPC_URL: stack.node.url,
    STIGMERGY_DEPLOYMENTS_DIR: stack.dir,
    PORT: String(port),
    DATABASE_URL: "",
    STIGMERGY_READERS: "2",
    STIGMERGY_MAX_LIVE_QUERIES: String(Math.max(1_000, subscribers + 100)),
  };
}

const fmt = (n: number) => n.toLocaleString("en-US");

export function fanoutTable(r: FanoutBench): string {
  const row = (name: string, x: FanoutRun) =>
    `| ${name} | ${fmt(x.subscribers)} (${x.opened.map(fmt).join(" + ")}) | ${x.processes} | ${x.tasks} | ` +
    `${fmt(x.samples)} | ${x.latency.medianMs} | ${x.latency.p95Ms} | ${x.latency.maxMs} | ` +
    `${x.first.medianMs} / ${x.first.p95Ms} | ${x.spread.medianMs} / ${x.spread.p95Ms} | ` +
    `${fmt(x.missed)} | ${fmt(x.moved)} | ` +
    `${x.cpu ? `${x.cpu.writer} / ${x.cpu.readers} / ${x.cpu.subscribers} / ${x.cpu.rest}` : "—"} |`;
  const ratio = Math.round((r.fanout.latency.p95Ms / r.single.latency.p95Ms) * 100) / 100;
  return [
    "**Fan-out on PostgreSQL** (`npm run indexer:cluster`: one `ponder start` writer with a views schema, " +
      "two `ponder serve` readers; mined → a live query's callback in an SDK client holding both reader URLs)",
    "",
    "| run | subscribers (per reader) | their processes | tasks in the burst (one a block, every 250 ms) | " +
      "deliveries | median ms | p95 ms | max ms | first delivery of a task, median / p95 ms | " +
      "last minus first, median / p95 ms | missed | moved to the other reader | " +
      "CPU in the burst, % of one core: writer / readers / subscribers / rest |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    row("one subscriber (baseline)", r.single),
    row("fan-out", r.fanout),
    row("fan-out, reader 2 SIGKILLed mid-burst", r.kill),
    "",
    `p95 fan-out / p95 one subscriber: ${ratio} (target ≤ 2: ${ratio <= 2 ? "met" : "missed"}). ` +
      "Every process (node, PostgreSQL, writer, readers, the subscribers' processes of up to 250) " +
      `shares the machine's ${cpus().length} cores; see docs/capacity.md for where the time goes.`,
  ].join("\n");
}
