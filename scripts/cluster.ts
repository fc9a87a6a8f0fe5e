/**
 * `npm run indexer:cluster`: the indexer scaled out on PostgreSQL. One `ponder start` writer indexes
 * the chain at STIGMERGY_RPC_URL into the schema `<STIGMERGY_DB_SCHEMA>_live` and keeps the views
 * schema STIGMERGY_DB_SCHEMA (default `stigmergy`) onto it; STIGMERGY_READERS (default 2) `ponder serve`
 * readers answer the API and live queries from the views. The writer listens on PORT (default
 * 42069), reader i on PORT + i. DATABASE_URL names the database; without it a throwaway PostgreSQL 15
 * cluster is started (STIGMERGY_PG_BIN) and removed on exit. Give agents every URL
 * (`createAgent({ indexerUrl: [reader1, reader2] })`): they fail over from one to the next.
 *
 * Prints one line per member (`cluster: reader 1 http://127.0.0.1:42070 (pid 1234, …)`), then
 * `cluster: ready …`; Ponder's own output goes to stderr, each line prefixed with who printed it. A
 * member that dies is reported and not restarted (agents moved to the others); Ctrl-C stops them all.
 */

import { join } from "node:path";
import { startCluster } from "./lib/cluster.ts";
import { postgresAvailable, type RunningPostgres, startPostgres } from "./lib/postgres.ts";
import { ROOT } from "./lib/processes.ts";

const say = (line: string) => console.log(`cluster: ${line}`);
const rpcUrl = process.env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8545";
const deploymentsDir = process.env.STIGMERGY_DEPLOYMENTS_DIR ?? join(ROOT, "deployments");
const port = Number(process.env.PORT ?? 42069);
const readerCount = Number(process.env.STIGMERGY_READERS ?? 2);
const viewsSchema = process.env.STIGMERGY_DB_SCHEMA || "stigmergy";
if (!Number.isInteger(readerCount) || readerCount < 1)
  throw new Error(`STIGMERGY_READERS must be a positive integer, not ${process.env.STIGMERGY_READERS}`);

let postgres: RunningPostgres | undefined;
let databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  if (!postgresAvailable()) {
    console.error("cluster: set DATABASE_URL, or install PostgreSQL 15 (STIGMERGY_PG_BIN) for a throwaway cluster");
    process.exit(1);
  }
  postgres = await startPostgres();
  databaseUrl = postgres.url;
  say(`started a throwaway PostgreSQL on port ${postgres.port} (removed on exit)`);
}

const prefix = (who: string) => {
  let partial = "";
  return (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    for (const l of lines) process.stderr.write(`[${who}] ${l}\n`);
  };
};
const printers = new Map<string, (chunk: string) => void>();
let stopping = false;

say(`starting the writer for ${rpcUrl} (deployments in ${deploymentsDir}), then ${readerCount} readers`);
const cluster = await startCluster({
  rpcUrl,
  deploymentsDir,
  databaseUrl,
  port,
  readers: readerCount,
  viewsSchema,
  onOutput: (who, chunk) => {
    if (!printers.has(who)) printers.set(who, prefix(who));
    printers.get(who)!(chunk);
  },
}).catch((error: Error) => {
  console.error(`cluster: ${error.message}`);
  postgres?.stop();
  process.exit(1);
});

say(
  `writer ${cluster.writer.url} (pid ${cluster.writer.process.pid}, ` +
    `ponder start --schema ${cluster.liveSchema} --views-schema ${viewsSchema})`,
);
for (const [i, r] of cluster.readers.entries())
  say(`reader ${i + 1} ${r.url} (pid ${r.process.pid}, ponder serve --schema ${viewsSchema})`);
const members = [
  ["writer", cluster.writer] as const,
  ...cluster.readers.map((r, i) => [`reader ${i + 1}`, r] as const),
];
for (const [who, member] of members) {
  member.process.once("exit", (code, signal) => {
    if (!stopping)
      say(`${who} (pid ${member.process.pid}) exited (${signal ?? `code ${code}`}); the others keep serving`);
  });
}
say(`ready: indexerUrl ${JSON.stringify(cluster.readers.map((r) => r.url))}`);

const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  say("stopping");
  await cluster.stop();
  postgres?.stop();
  process.exit(0);
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown());
if (process.send) process.once("disconnect", () => void shutdown());
