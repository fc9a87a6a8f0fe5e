/**
 * The indexer scaled out on PostgreSQL: one `ponder start` writer that indexes into a live schema and
 * keeps a schema of views onto it (`--views-schema`), and `ponder serve` readers that answer the API
 * and live queries from those views. Ponder's trigger on the writer's `_ponder_checkpoint` sends a
 * `pg_notify` on the views schema's channel with every indexed block; each reader LISTENs on it and
 * re-runs its live queries, so a reader pushes as the writer does. `startCluster` starts one (for
 * scripts/cluster.ts, `npm run indexer:cluster`); `runCluster` runs that script as a child process
 * and reads what it prints (the bench and the test drive the script itself).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { type IndexerOptions, ROOT, type RunningIndexer, startIndexer, stopProcess, waitForHttp } from "./processes.ts";

export type ClusterOptions = {
  rpcUrl: string;
  deploymentsDir: string;
  databaseUrl: string;
  /** The writer's port; reader i (from 1) listens on port + i. */
  port: number;
  readers: number;
  /** The schema readers serve (views); the writer indexes into `<viewsSchema>_live`. */
  viewsSchema: string;
  onOutput?: (who: string, chunk: string) => void;
  env?: NodeJS.ProcessEnv;
};

export type Cluster = {
  writer: RunningIndexer;
  readers: RunningIndexer[];
  liveSchema: string;
  stop: () => Promise<void>;
};

/** Starts the writer, waits until it has caught up (the views exist then), then the readers. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const liveSchema = `${options.viewsSchema}_live`;
  const base: Omit<IndexerOptions, "port"> = {
    rpcUrl: options.rpcUrl,
    deploymentsDir: options.deploymentsDir,
    databaseUrl: options.databaseUrl,
    env: options.env,
  };
  const writer = await startIndexer({
    ...base,
    port: options.port,
    dbSchema: liveSchema,
    viewsSchema: options.viewsSchema,
    onOutput: (c) => options.onOutput?.("writer", c),
  });
  const readers: RunningIndexer[] = [];
  try {
    for (let i = 1; i <= options.readers; i++) {
      const reader = await startIndexer({
        ...base,
        port: options.port + i,
        command: "serve",
        dbSchema: options.viewsSchema,
        waitForReady: false,
        onOutput: (c) => options.onOutput?.(`reader ${i}`, c),
      });
      readers.push(reader);
      await waitForHttp(`${reader.url}/ready`, 60_000);
    }
  } catch (error) {
    for (const r of readers) await r.stop();
    await writer.stop();
    throw error;
  }
  const stop = async () => {
    await Promise.all(readers.map((r) => r.stop()));
    await writer.stop();
  };
  return { writer, readers, liveSchema, stop };
}

export type ClusterMember = { url: string; pid: number };

export type RunningCluster = {
  writer: ClusterMember;
  readers: ClusterMember[];
  process: ChildProcess;
  /** Everything the script printed so far. */
  output: () => string;
  /** SIGKILL to reader i (from 0): its supervisor and Ponder at once, as a crashed machine would. */
  killReader: (i: number) => void;
  stop: () => Promise<void>;
};

const MEMBER = /^cluster: (writer|reader (\d+)) (http:\/\/\S+) \(pid (\d+)/;

/**
 * Runs scripts/cluster.ts (`npm run indexer:cluster`) with `env` and resolves once it prints that
 * the cluster is ready, with the writer's and readers' URLs and pids as it printed them.
 */
export function runCluster(env: NodeJS.ProcessEnv, timeoutMs = 240_000): Promise<RunningCluster> {
  // With an IPC channel: when this process dies, the script stops its cluster (and its PostgreSQL).
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "cluster.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  child.channel?.unref();
  let output = "";
  let writer: ClusterMember | undefined;
  const readers: ClusterMember[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`cluster not ready within ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGTERM");
      reject(new Error(`${error.message}\n${output.slice(-4_000)}`));
    };
    child.once("exit", (code) => fail(new Error(`scripts/cluster.ts exited early (code ${code})`)));
    let line = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      line += chunk.toString();
      const lines = line.split("\n");
      line = lines.pop()!;
      for (const l of lines) {
        const member = MEMBER.exec(l);
        if (member) {
          const m = { url: member[3]!, pid: Number(member[4]) };
          if (member[2]) readers[Number(member[2]) - 1] = m;
          else writer = m;
        }
        if (l.startsWith("cluster: ready")) {
          clearTimeout(timer);
          child.removeAllListeners("exit");
          resolve({
            writer: writer!,
            readers,
            process: child,
            output: () => output,
            killReader: (i) => process.kill(-readers[i]!.pid, "SIGKILL"),
            stop: () => stopProcess(child, 20_000),
          });
        }
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  });
}
