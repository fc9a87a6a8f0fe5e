/**
 * `/sql` against REST under load, on the default database (PGlite): agents race for open tasks with
 * the SDK's claimNext on a node that mines a block every second, so that blocks carry dozens of
 * claims (more than Ponder's 20-row batch threshold for updates). Meanwhile a sampler asks, over and
 * over, how many tasks are open and claimed: REST, then `/sql/db`, then REST again. A sample counts
 * when both REST answers agree (no block in between); it is a mismatch when `/sql/db` differs.
 * Reported, never asserted. Standalone: `npx tsx bench/sql-vs-rest.ts [agents] [tasks]`.
 */
import { sql } from "@ponder/client";
import { indexerClient } from "../scripts/lib/oracle.ts";
import { startStack } from "../scripts/lib/stack.ts";
import { rpc } from "../scripts/lib/tasks.ts";
import { benchAgents } from "./agents.ts";

export type SqlVsRest = {
  samples: number;
  mismatches: number;
  emptySql: number;
  worst?: string;
  blocks: number;
  maxClaimsPerBlock: number;
};

export async function measureSqlVsRest(
  options: { agents?: number; tasks?: number; log?: (line: string) => void } = {},
): Promise<SqlVsRest> {
  const log = options.log ?? (() => {});
  const n = options.agents ?? 30;
  const tasks = options.tasks ?? 300;
  const stack = await startStack();
  try {
    const indexer = await stack.indexer();
    const { poster, agents } = await benchAgents(stack, indexer.url, {
      n,
      keySeed: 0x5a1c4000n,
      label: "sql",
      capability: "sql",
    });
    log(`sql-vs-rest: ${n} agents registered; posting ${tasks} tasks…`);
    for (let i = 0; i < tasks; i++) {
      await poster.tasks.post({
        specURI: `ipfs://sql-${i}`,
        maxReward: 1_000n,
        capability: "sql",
        leaseDuration: 3_600,
        deadline: BigInt(Math.floor(Date.now() / 1000)) + 86_400n,
      });
    }

    while (
      ((await (await fetch(`${indexer.url}/tasks?status=open&limit=500`)).json()) as { tasks: unknown[] }).tasks
        .length < tasks
    ) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const db = indexerClient(indexer.url).db;
    const rest = async () => {
      const count = async (status: string) =>
        ((await (await fetch(`${indexer.url}/tasks?status=${status}&limit=500`)).json()) as { tasks: unknown[] }).tasks
          .length;
      return { open: await count("open"), claimed: await count("claimed") };
    };
    const viaSql = async () => {
      type Counts = { status: string; n: string }[];
      const r = (await db.execute(sql`select status, count(*) as n from task group by status`)) as unknown as
        | { rows: Counts }
        | Counts;
      const rows = Array.isArray(r) ? r : r.rows;
      const of = (status: string) => Number(rows.find((x) => x.status === status)?.n ?? 0);
      return { open: of("open"), claimed: of("claimed") };
    };
    const result: SqlVsRest = { samples: 0, mismatches: 0, emptySql: 0, blocks: 0, maxClaimsPerBlock: 0 };
    let racing = true;
    const sampler = (async () => {
      while (racing) {
        const before = await rest();
        const s = await viaSql();
        const after = await rest();
        if (before.open !== after.open || before.claimed !== after.claimed) continue;
        result.samples++;
        if (s.open !== before.open || s.claimed !== before.claimed) {
          result.mismatches++;
          if (s.open + s.claimed === 0) result.emptySql++;
          result.worst ??=
            `/sql/db: ${s.open} open, ${s.claimed} claimed; ` + `REST: ${before.open} open, ${before.claimed} claimed`;
        }
      }
    })();

    await rpc(stack.node.url, "evm_setAutomine", [false]);
    await rpc(stack.node.url, "evm_setIntervalMining", [1_000]);
    const from = BigInt(await rpc<string>(stack.node.url, "eth_blockNumber"));
    log(`sql-vs-rest: ${n} agents claim with claimNext, a block every second…`);
    const stopAt = Date.now() + 120_000;
    await Promise.all(
      agents.map(async (agent) => {
        while (Date.now() < stopAt && (await agent.tasks.claimNext({ capabilities: ["sql"], maxAttempts: 16 }))) {
          // claim until nothing is left
        }
      }),
    );
    await rpc(stack.node.url, "evm_setIntervalMining", [0]);
    await rpc(stack.node.url, "evm_setAutomine", [true]);
    const to = BigInt(await rpc<string>(stack.node.url, "eth_blockNumber"));
    await new Promise((r) => setTimeout(r, 3_000));
    racing = false;
    await sampler;
    result.blocks = Number(to - from);
    for (let b = from + 1n; b <= to; b++) {
      const block = await rpc<{ transactions: string[] }>(stack.node.url, "eth_getBlockByNumber", [
        `0x${b.toString(16)}`,
        false,
      ]);
      result.maxClaimsPerBlock = Math.max(result.maxClaimsPerBlock, block.transactions.length);
    }
    return result;
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [agents, tasks] = process.argv.slice(2).map(Number);
  const r = await measureSqlVsRest({ agents: agents || undefined, tasks: tasks || undefined, log: console.log });
  console.log(
    `sql-vs-rest: ${r.samples} samples, ${r.mismatches} where /sql/db disagreed with REST ` +
      `(${r.emptySql} of them empty)` +
      `${r.worst ? `; first: ${r.worst}` : ""}; ${r.blocks} blocks, up to ${r.maxClaimsPerBlock} transactions in one`,
  );
}
