/**
 * The truthful probes /healthz and /readyz (probes.ts) over this index: the latest indexed event's
 * block is what must still be on the canonical chain.
 */
import { db } from "ponder:api";
import { activity } from "ponder:schema";
import { desc } from "ponder";
import { probes } from "./probes.js";
import { command, rpcUrl } from "./runtime.js";

export const health = probes({
  rpcUrl,
  watchReorgs: command !== "serve",
  // One block is enough: a reorg that replaced an older event's block replaced this one too.
  latestEventBlock: async () => {
    const [row] = await db
      .select({ number: activity.blockNumber, hash: activity.blockHash })
      .from(activity)
      .orderBy(desc(activity.blockNumber))
      .limit(1);
    return row ? { number: Number(row.number), hash: row.hash } : undefined;
  },
});
