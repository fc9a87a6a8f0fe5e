/**
 * A process of live-query subscribers for the fan-out bench (bench/fanout.ts), so that 2,000
 * subscribers' SSE streams and JSON are spread over processes like the agents they stand for, not
 * queued behind one event loop. Started with `tsx` (bench/children.ts), driven over IPC:
 *
 *   argv: <count> <index of its first subscriber> <first task id> <reader URLs, JSON list>
 *   → { ready }                      once every subscriber's live query has delivered its first rows
 *   ← { report } → { seen, urls }    per subscriber: [task id, when first held][] and its current reader
 *   ← { stop } → { stopped }         subscriptions closed, then the process exits
 *
 * Times are absolute (performance.timeOrigin + performance.now(), ms), comparable across processes.
 */
import { sql } from "@ponder/client";
import { createIndexerClient, sqlInt } from "../sdk/src/indexer/client.ts";

const [countArg, offsetArg, firstArg, urlsArg] = process.argv.slice(2) as [string, string, string, string];
const urls = JSON.parse(urlsArg) as string[];
const query = sql`select id from task where id >= ${sqlInt(BigInt(firstArg))} order by id`;
const now = () => performance.timeOrigin + performance.now();

let ready = 0;
const subscribers = Array.from({ length: Number(countArg) }, (_, i) => {
  // Spread: subscriber s prefers reader s mod n, then the others in turn.
  const s = Number(offsetArg) + i;
  const client = createIndexerClient(urls.map((_, k) => urls[(s + k) % urls.length]!));
  const seen = new Map<string, number>();
  let opened = false;
  const stop = client.live(query, (rows) => {
    const at = now();
    for (const row of rows) {
      const id = String(row.id);
      if (!seen.has(id)) seen.set(id, at);
    }
    if (!opened) {
      opened = true;
      if (++ready === subscribers.length) process.send!({ ready: true });
    }
  });
  return { client, seen, stop };
});

process.on("message", (m: { report?: true; stop?: true }) => {
  if (m.report) {
    process.send!({ seen: subscribers.map((s) => [...s.seen]), urls: subscribers.map((s) => s.client.url) });
  } else if (m.stop) {
    for (const s of subscribers) s.stop();
    process.send!({ stopped: true }, () => process.exit(0));
  }
});
