/**
 * Rows in the live query, or the live query as a change signal and a REST re-fetch? N watchers follow
 * the open tasks both ways, one way after the other, while tasks are posted one at a time; reported
 * per way: the time from the receipt to every watcher holding the new task (median and p95 over
 * watchers × tasks) and the REST requests the watchers sent. Reported, never asserted.
 * Standalone: `npx tsx bench/watch-rows.ts [watchers] [tasks]`.
 */
import { sql } from "@ponder/client";
import { parseEventLogs } from "viem";
import { startStack } from "../scripts/lib/stack.ts";
import { taskPoster } from "../scripts/lib/tasks.ts";
import { abis } from "../sdk/src/index.ts";
import { createIndexerClient } from "../sdk/src/indexer/client.ts";

export type WatchWay = { way: string; samples: number; medianMs: number; p95Ms: number; restRequests: number };

const OPEN = sql`select id from task where status = 'open' order by id limit 100`;

export async function measureWatchRows(
  options: { watchers?: number; tasks?: number; log?: (line: string) => void } = {},
): Promise<WatchWay[]> {
  const log = options.log ?? (() => {});
  const n = options.watchers ?? 50;
  const tasks = options.tasks ?? 20;
  const stack = await startStack();
  let restRequests = 0;
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    if (String(input instanceof Request ? input.url : input).includes("/tasks")) restRequests++;
    return realFetch(input, init);
  }) as typeof fetch;
  try {
    const indexer = await stack.indexer();
    const post = taskPoster(stack.node.url, stack.deployment.contracts.TaskBoard!, 16);
    const results: WatchWay[] = [];
    for (const way of ["signal + REST re-fetch", "rows in the live query"] as const) {
      const seen: Set<bigint>[] = Array.from({ length: n }, () => new Set());
      const arrivedAt = new Map<string, number>(); // `${watcher}/${taskId}` → ms
      const note = (w: number, ids: bigint[]) => {
        for (const id of ids) {
          if (seen[w]!.has(id)) continue;
          seen[w]!.add(id);
          arrivedAt.set(`${w}/${id}`, Date.now());
        }
      };
      const stops = Array.from({ length: n }, (_, w) => {
        const client = createIndexerClient(indexer.url);
        return way === "rows in the live query"
          ? client.live(OPEN, (rows) =>
              note(
                w,
                rows.map((r) => BigInt(r.id as string)),
              ),
            )
          : client.onChange(OPEN, () => {
              void client.get<{ tasks: { id: string }[] }>("/tasks", { status: "open", limit: 100 }).then((body) =>
                note(
                  w,
                  (body?.tasks ?? []).map((t) => BigInt(t.id)),
                ),
              );
            });
      });
      await new Promise((r) => setTimeout(r, 3_000)); // every stream open
      restRequests = 0;
      const latencies: number[] = [];
      for (let t = 0; t < tasks; t++) {
        const receipt = await post({ specURI: `ipfs://watch-${t}` });
        const mined = Date.now();
        const [posted] = parseEventLogs({ abi: abis.TaskBoard, logs: receipt.logs, eventName: "TaskPosted" });
        const id = posted!.args.taskId;
        const until = Date.now() + 30_000;
        while (seen.some((s) => !s.has(id)) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
        for (let w = 0; w < n; w++) {
          const at = arrivedAt.get(`${w}/${id}`);
          if (at !== undefined) latencies.push(Math.max(0, at - mined));
        }
      }
      const requests = restRequests;
      for (const stop of stops) stop();
      latencies.sort((a, b) => a - b);
      const pick = (q: number) =>
        latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
      results.push({ way, samples: latencies.length, medianMs: pick(0.5), p95Ms: pick(0.95), restRequests: requests });
      log(
        `watch-rows: ${way}: ${latencies.length} samples, median ${pick(0.5)} ms, p95 ${pick(0.95)} ms, ` +
          `${requests} REST requests`,
      );
    }
    return results;
  } finally {
    globalThis.fetch = realFetch;
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [watchers, tasks] = process.argv.slice(2).map(Number);
  await measureWatchRows({ watchers: watchers || undefined, tasks: tasks || undefined, log: console.log });
}
