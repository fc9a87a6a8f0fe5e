/**
 * The truthful probes /healthz and /readyz (probes.ts) over this index, one per indexed chain: the
 * latest indexed event's block of each chain is what must still be on that chain.
 */
import { db } from "ponder:api";
import { activity } from "ponder:schema";
import { desc, eq } from "ponder";
import { probes } from "./probes.js";
import { chains, command } from "./runtime.js";

export const health = probes({
  watchReorgs: command !== "serve",
  chains: chains.map((chain) => ({
    id: chain.id,
    name: chain.name,
    rpcUrl: chain.rpc,
    // One block is enough: a reorg that replaced an older event's block replaced this one too.
    latestEventBlock: async () => {
      const [row] = await db
        .select({ number: activity.blockNumber, hash: activity.blockHash })
        .from(activity)
        .where(eq(activity.chainId, chain.id))
        .orderBy(desc(activity.blockNumber))
        .limit(1);
      return row ? { number: Number(row.number), hash: row.hash } : undefined;
    },
  })),
});
