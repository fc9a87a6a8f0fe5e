/**
 * Contention: 50 agents (separate accounts, sending concurrently) race for 1,000 open tasks on a
 * node that mines a block every second, once with the SDK's `claimNext` and once with a naive
 * lowest-id-first strategy, side by side on one node and indexer. Reported: double claims (from
 * the chain: claim events per task), claims that reverted on chain and their share of all claim
 * gas, estimates that failed before sending (free), and the time to drain. Never asserted by time.
 */
import { createPublicClient, http, parseEventLogs, toFunctionSelector } from "viem";
import { type Stack, startStack } from "../scripts/lib/stack.ts";
import { rpc } from "../scripts/lib/tasks.ts";
import { type Agent, abis, lostRace } from "../sdk/src/index.ts";
import { benchAgents } from "./agents.ts";

type Log = (line: string) => void;

export type StrategyResult = {
  strategy: string;
  tasks: number;
  claimed: number;
  drained: boolean;
  seconds: number;
  blocks: number;
  doubleClaims: number;
  onChainClaims: number;
  revertedClaims: number;
  revertedGas: bigint;
  claimGas: bigint;
  failedEstimates: number;
};

export type ContentionBench = { agents: number; blockMs: number; results: StrategyResult[] };

const CLAIM_SELECTOR = toFunctionSelector("claim(uint256,uint256)");

/** Claims with the SDK's spread-out choice until nothing is left. */
async function claimNextLoop(agent: Agent, stopAt: number, counters: { failedEstimates: number }) {
  while (Date.now() < stopAt) {
    const claim = await agent.tasks.claimNext({
      capabilities: ["bench"],
      maxAttempts: 16,
      onLostRace: (_, onChain) => void (onChain ? undefined : counters.failedEstimates++),
    });
    if (!claim) return;
  }
}

/** The stampede: every agent takes the lowest open id it has not already lost. */
async function lowestIdLoop(agent: Agent, stopAt: number, counters: { failedEstimates: number }) {
  const lost = new Set<bigint>();
  while (Date.now() < stopAt) {
    const open = (await agent.tasks.list({ status: "open", capabilities: ["bench"], limit: 100 })).filter(
      (t) => !lost.has(t.id),
    );
    const [first] = open;
    if (!first) return;
    try {
      await agent.tasks.claim(first.id);
    } catch (error) {
      if (!lostRace(error)) throw error;
      lost.add(first.id);
      if ((error as { receipt?: unknown }).receipt === undefined) counters.failedEstimates++;
    }
  }
}

async function postTasks(poster: Agent, count: number, log: Log) {
  const ids: bigint[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(
      (
        await poster.tasks.post({
          specURI: `ipfs://bench-${i}`,
          maxReward: 1_000n,
          capability: "bench",
          leaseDuration: 3_600,
          deadline: BigInt(Math.floor(Date.now() / 1000)) + 86_400n,
        })
      ).taskId,
    );
    if ((i + 1) % 250 === 0) log(`  contention: posted ${i + 1}/${count} tasks`);
  }
  return ids;
}

/** Every claim transaction mined in [from, to]: status and gas, plus claim events per task. */
async function claimReceipts(stack: Stack, from: bigint, to: bigint, taskIds: Set<bigint>) {
  const client = createPublicClient({ transport: http(stack.node.url) });
  const board = stack.deployment.contracts.TaskBoard!.toLowerCase();
  let reverted = 0;
  let revertedGas = 0n;
  let claimGas = 0n;
  let onChain = 0;
  const claimsPerTask = new Map<bigint, number>();
  for (let n = from; n <= to; n++) {
    const block = await client.getBlock({ blockNumber: n, includeTransactions: true });
    for (const tx of block.transactions) {
      if (tx.to?.toLowerCase() !== board || !tx.input.startsWith(CLAIM_SELECTOR)) continue;
      const receipt = await client.getTransactionReceipt({ hash: tx.hash });
      onChain++;
      claimGas += receipt.gasUsed;
      if (receipt.status !== "success") {
        reverted++;
        revertedGas += receipt.gasUsed;
        continue;
      }
      for (const e of parseEventLogs({ abi: abis.TaskBoard, logs: receipt.logs, eventName: "TaskClaimed" })) {
        if (taskIds.has(e.args.taskId)) claimsPerTask.set(e.args.taskId, (claimsPerTask.get(e.args.taskId) ?? 0) + 1);
      }
    }
  }
  const doubleClaims = [...claimsPerTask.values()].filter((c) => c > 1).length;
  const claimed = claimsPerTask.size;
  return { reverted, revertedGas, claimGas, onChain, doubleClaims, claimed };
}

async function runStrategy(
  stack: Stack,
  strategy: "claimNext" | "lowest id first",
  poster: Agent,
  agents: Agent[],
  options: { tasks: number; blockMs: number; budgetMs: number; log: Log },
): Promise<StrategyResult> {
  const { log } = options;
  log(`  contention (${strategy}): posting ${options.tasks} tasks…`);
  const ids = await postTasks(poster, options.tasks, log);
  const last = ids.at(-1)!;
  for (;;) {
    const t = await poster.tasks.get(last);
    if (t?.status === "open") break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await rpc(stack.node.url, "evm_setAutomine", [false]);
  await rpc(stack.node.url, "evm_setIntervalMining", [options.blockMs]);
  const startBlock = BigInt(await rpc<string>(stack.node.url, "eth_blockNumber"));
  const counters = { failedEstimates: 0 };
  const started = Date.now();
  const stopAt = started + options.budgetMs;
  const loop = strategy === "claimNext" ? claimNextLoop : lowestIdLoop;
  const progress = setInterval(
    () => log(`  contention (${strategy}): ${Math.round((Date.now() - started) / 1000)} s…`),
    15_000,
  );
  try {
    await Promise.all(agents.map((a) => loop(a, stopAt, counters)));
  } finally {
    clearInterval(progress);
  }
  const seconds = (Date.now() - started) / 1000;
  await rpc(stack.node.url, "evm_setIntervalMining", [0]);
  await rpc(stack.node.url, "evm_setAutomine", [true]);
  await rpc(stack.node.url, "evm_mine");
  const endBlock = BigInt(await rpc<string>(stack.node.url, "eth_blockNumber"));
  const r = await claimReceipts(stack, startBlock, endBlock, new Set(ids));
  const result: StrategyResult = {
    strategy,
    tasks: options.tasks,
    claimed: r.claimed,
    drained: r.claimed === options.tasks,
    seconds: Math.round(seconds * 10) / 10,
    blocks: Number(endBlock - startBlock),
    doubleClaims: r.doubleClaims,
    onChainClaims: r.onChain,
    revertedClaims: r.reverted,
    revertedGas: r.revertedGas,
    claimGas: r.claimGas,
    failedEstimates: counters.failedEstimates,
  };
  log(
    `  contention (${strategy}): ${result.claimed}/${result.tasks} claimed in ${result.seconds} s, ` +
      `${result.revertedClaims} reverted on chain`,
  );
  return result;
}

export async function measureContention(
  options: { agents?: number; tasks?: number; blockMs?: number; budgetMs?: number; log?: Log } = {},
): Promise<ContentionBench> {
  const log = options.log ?? (() => {});
  const n = options.agents ?? 50;
  const tasks = options.tasks ?? 1_000;
  const blockMs = options.blockMs ?? 1_000;
  const stack = await startStack();
  try {
    const indexer = await stack.indexer();
    log(`  contention: funding and registering ${n} agents…`);
    const { poster, agents } = await benchAgents(stack, indexer.url, {
      n,
      keySeed: 0xbe7c4000n,
      label: "bench",
      capability: "bench",
    });
    const results: StrategyResult[] = [];
    for (const strategy of ["claimNext", "lowest id first"] as const) {
      results.push(
        await runStrategy(stack, strategy, poster, agents, {
          tasks,
          blockMs,
          budgetMs: options.budgetMs ?? 120_000,
          log,
        }),
      );
    }
    return { agents: n, blockMs, results };
  } finally {
    await stack.stop();
  }
}

/** The markdown table `npm run bench` prints and writes to the README. */
export function contentionTable(b: ContentionBench): string {
  const pct = (a: bigint, total: bigint) =>
    total === 0n ? "0 %" : `${(Number((a * 10_000n) / total) / 100).toFixed(2)} %`;
  const rows = b.results.map((r) =>
    [
      r.strategy,
      r.doubleClaims,
      `${r.claimed.toLocaleString("en-US")}/${r.tasks.toLocaleString("en-US")}`,
      r.drained ? `${r.seconds} s (${r.blocks} blocks)` : `not drained after ${r.seconds} s`,
      `${r.revertedClaims} of ${r.onChainClaims}`,
      pct(r.revertedGas, r.claimGas),
      r.failedEstimates,
    ].join(" | "),
  );
  return [
    `**Contention** (${b.agents} agents, separate accounts sending concurrently; ` +
      `${b.results[0]?.tasks.toLocaleString("en-US")} open tasks; ` +
      `Hardhat node mining every ${b.blockMs} ms; Ponder on PGlite)`,
    "",
    "| strategy | double claims | claimed | time to drain | claims reverted on chain | " +
      "reverted share of claim gas (target ≤ 5 %) | lost races caught before sending |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r} |`),
  ].join("\n");
}
