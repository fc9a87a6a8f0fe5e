/**
 * The end of a run: what happened on each chain, read back from the indexer (that chain's rows)
 * and checked against the chain (tasks by outcome, double work, reverted claims, leader terms,
 * slashes, messages, escrow, and with several chains what the run's transactions cost: gas, fees
 * and on an OP-stack chain the L1 data fee from the receipts), plus what each agent reported about
 * itself (the transactions it sent). With several chains the summary sets them side by side.
 */
import { and, asc, count, eq, isNotNull, ne } from "@ponder/client";
import {
  type Address,
  createPublicClient,
  formatEther,
  type Hash,
  type Hex,
  hexToString,
  http,
  zeroAddress,
} from "viem";
import * as schema from "../../indexer/ponder.schema.ts";
import { abis, type Deployment, TASK_STATUSES } from "../../sdk/src/index.ts";
import { checkConsistency, indexerClient } from "../lib/oracle.ts";
import type { AgentProcess } from "./fleet.ts";
import { FINAL } from "./live.ts";

/** One event of a task's history, as `doubleClaims` reads it. */
export type HistoryEvent = { taskId: bigint | null; kind: string; agentId: bigint | null; data: unknown };

export type AgentLine = {
  agentId: string;
  name: string;
  capabilities: string[];
  state: string;
  writes: number;
  claims: number;
  submitted: number;
  revertedClaims: number;
  lostRaces: number;
  posted: number;
  accepted: number;
  rejected: number;
  failovers: number;
};

/** What a run's transactions on one chain cost, from their receipts. */
export type ChainFees = {
  transactions: number;
  gasUsed: string;
  /** L2 execution (or L1 execution on an L1): gasUsed × effectiveGasPrice, summed, in wei. */
  executionFee: string;
  /** The L1 data fee an OP-stack chain charges on top (receipts' `l1Fee`), in wei; null on an L1. */
  l1Fee: string | null;
  l1GasUsed: string | null;
};

/** The chain a report is about. */
export type ReportChain = { name: string; id: number; type: "l1" | "op" };

export type RunReport = {
  chain: ReportChain;
  agents: number;
  tasksPlanned: number;
  seconds: number;
  blocks: number;
  tasks: {
    total: number;
    posted: number;
    rounds: number;
    byStatus: Record<string, number>;
    unfinished: string[];
    chainUnfinished: string[];
  };
  events: {
    rejected: number;
    handedOff: number;
    escalated: number;
    answered: number;
    reclaimed: number;
    locks: number;
  };
  /**
   * Tasks that had a second claimant while the first still held them (indexer history), and (task, attempt) pairs
   * claimed twice (chain logs).
   */
  doubleWork: { tasks: string[]; chainDuplicates: string[] };
  revertedClaims: number;
  lostRaces: number;
  terms: { term: string; agentId: string; name: string; failedOver: boolean }[];
  killed: { agentId: string; name: string } | null;
  slashes: { agentId: string; name: string; amount: string; reason: string }[];
  messages: { channel: number; direct: number };
  writes: AgentLine[];
  approverWrites: number;
  escrow: { balance: string; escrowed: string; credits: string; expected: string };
  schedules: { id: string; count: number; spawned: number; cancelled: boolean }[];
  /** Where the indexer and the chain disagree (empty: they agree). */
  consistency: string[];
  /** What the swarm's transactions cost (measured with several chains; null otherwise). */
  fees: ChainFees | null;
  /** TaskClaimed events: claims that went through (schedule rounds and handoffs included). */
  claims: number;
};

export type CollectInput = {
  chain: ReportChain;
  indexerUrl: string;
  rpcUrl: string;
  deployment: Deployment;
  groupId: bigint;
  agents: AgentProcess[];
  tasksPlanned: number;
  approverWrites: number;
  killed: AgentProcess | undefined;
  started: number;
  /** Measure the fees of every transaction after this block (the swarm's), or not at all. */
  feesFrom?: bigint;
};

/**
 * Tasks whose history shows a claim while another agent still held the task (a handoff it accepted is no double work).
 */
export function doubleClaims(events: HistoryEvent[]): string[] {
  const holder = new Map<string, bigint | null>();
  const offered = new Map<string, bigint | null>();
  const double = new Set<string>();
  for (const e of events) {
    const task = String(e.taskId);
    const data = (typeof e.data === "string" ? JSON.parse(e.data) : e.data) as Record<string, unknown>;
    switch (e.kind) {
      case "TaskClaimed": {
        const agent = e.agentId ?? 0n;
        const current = holder.get(task) ?? null;
        if (current !== null && offered.get(task) !== agent) double.add(task);
        holder.set(task, agent);
        offered.set(task, null);
        break;
      }
      case "TaskHandedOff":
        offered.set(task, BigInt(String(data.toAgentId ?? 0)));
        break;
      case "EscalationResolved":
        if (data.resume === false || data.resume === "false") holder.set(task, null);
        break;
      case "TaskAccepted":
      case "TaskRejected":
      case "TaskReclaimed":
        holder.set(task, null);
        offered.set(task, null);
        break;
    }
  }
  return [...double];
}

const countOf = (events: HistoryEvent[], kind: string) => events.filter((e) => e.kind === kind).length;

/** Reads the finished run back from the indexer and the chain. */
export async function collectReport(input: CollectInput): Promise<RunReport> {
  const { db } = indexerClient(input.indexerUrl);
  const chain = createPublicClient({ transport: http(input.rpcUrl) });
  const board = input.deployment.contracts.TaskBoard!;
  const chainId = input.deployment.chainId;
  const idOn = (a: AgentProcess) => a.ids.get(chainId) ?? a.agentId;
  const name = (id: bigint | null) => input.agents.find((a) => idOn(a) === id)?.name ?? "?";
  const { activity, message, schedule, slash, task, term } = schema;

  // This chain's rows only (the indexer may follow several).
  const [tasks, events, terms, slashes, messages, schedules, locks] = await Promise.all([
    db
      .select({ id: task.id, status: task.status, scheduleId: task.scheduleId })
      .from(task)
      .where(eq(task.chainId, chainId))
      .orderBy(asc(task.id)),
    // Every task's history: its TaskBoard events in the audit log.
    db
      .select({ taskId: activity.taskId, kind: activity.event, agentId: activity.agentId, data: activity.args })
      .from(activity)
      .where(
        and(
          eq(activity.chainId, chainId),
          eq(activity.contract, "TaskBoard"),
          isNotNull(activity.taskId),
          ne(activity.event, "Credited"),
        ),
      )
      .orderBy(asc(activity.blockNumber), asc(activity.logIndex)),
    db
      .select({ term: term.term, agentId: term.agentId, failedOverBy: term.failedOverBy })
      .from(term)
      .where(and(eq(term.chainId, chainId), eq(term.groupId, input.groupId)))
      .orderBy(asc(term.term)),
    db
      .select({ agentId: slash.agentId, amount: slash.amount, reason: slash.reason })
      .from(slash)
      .where(eq(slash.chainId, chainId))
      .orderBy(asc(slash.timestamp)),
    db
      .select({ kind: message.kind, n: count() })
      .from(message)
      .where(eq(message.chainId, chainId))
      .groupBy(message.kind),
    db.select().from(schedule).where(eq(schedule.chainId, chainId)).orderBy(asc(schedule.id)),
    db
      .select({ n: count() })
      .from(activity)
      .where(and(eq(activity.chainId, chainId), eq(activity.event, "LockAcquired"))),
  ]);

  const read = <T>(functionName: string, args: readonly unknown[]) =>
    chain.readContract({
      address: board,
      abi: abis.TaskBoard,
      functionName: functionName as never,
      args: args as never,
    }) as Promise<T>;
  const onChain = await Promise.all(
    tasks.map((t) => read<{ status: number; maxReward: bigint; claimBond: bigint }>("getTask", [t.id])),
  );
  const claimed = await chain.getContractEvents({
    address: board,
    abi: abis.TaskBoard,
    eventName: "TaskClaimed",
    fromBlock: BigInt(input.deployment.startBlock),
  });
  const [balance, escrowed, credits, blocks] = await Promise.all([
    chain.getBalance({ address: board }),
    read<bigint>("totalEscrowed", [zeroAddress]),
    read<bigint>("totalCredits", [zeroAddress]),
    chain.getBlockNumber(),
  ]);

  // Escrow still owed: the reward of every task not settled (with the bond its claimant posted), and unspawned schedule
  // rounds.
  let expected = 0n;
  for (const t of onChain) {
    const status = TASK_STATUSES[t.status] ?? "none";
    if (FINAL.has(status)) continue;
    expected +=
      t.maxReward + (status === "claimed" || status === "submitted" || status === "escalated" ? t.claimBond : 0n);
  }
  for (const s of schedules) {
    const template = (typeof s.template === "string" ? JSON.parse(s.template) : s.template) as { maxReward?: string };
    if (!s.cancelled) expected += BigInt(template.maxReward ?? 0) * BigInt(s.count - s.spawned);
  }

  const pairs = new Map<string, number>();
  for (const log of claimed) {
    const key = `${log.args.taskId}/${log.args.attempt}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }

  const byStatus: Record<string, number> = {};
  for (const t of tasks) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
  const killedId = input.killed && idOn(input.killed);
  const statsOf = (a: AgentProcess) => a.statsByChain.get(chainId) ?? a.stats;

  return {
    chain: input.chain,
    agents: input.agents.length,
    tasksPlanned: input.tasksPlanned,
    seconds: Math.round((Date.now() - input.started) / 1000),
    blocks: Number(blocks) - input.deployment.startBlock,
    tasks: {
      total: tasks.length,
      posted: tasks.filter((t) => t.scheduleId === 0n).length,
      rounds: tasks.filter((t) => t.scheduleId !== 0n).length,
      byStatus,
      unfinished: tasks.filter((t) => !FINAL.has(t.status)).map((t) => String(t.id)),
      chainUnfinished: tasks
        .filter((_, i) => !FINAL.has(TASK_STATUSES[onChain[i]!.status] ?? "none"))
        .map((t) => String(t.id)),
    },
    events: {
      rejected: countOf(events, "TaskRejected"),
      handedOff: countOf(events, "TaskHandedOff"),
      escalated: countOf(events, "TaskEscalated"),
      answered: countOf(events, "EscalationResolved"),
      reclaimed: countOf(events, "TaskReclaimed"),
      locks: Number(locks[0]?.n ?? 0),
    },
    doubleWork: { tasks: doubleClaims(events), chainDuplicates: [...pairs].filter(([, n]) => n > 1).map(([k]) => k) },
    revertedClaims: input.agents.reduce((s, a) => s + statsOf(a).revertedClaims, 0),
    lostRaces: input.agents.reduce((s, a) => s + statsOf(a).lostRaces, 0),
    terms: terms.map((t) => ({
      term: String(t.term),
      agentId: String(t.agentId),
      name: name(t.agentId),
      failedOver: t.failedOverBy !== null,
    })),
    killed: killedId === undefined ? null : { agentId: String(killedId), name: input.killed!.name },
    slashes: slashes.map((s) => ({
      agentId: String(s.agentId),
      name: name(s.agentId),
      amount: formatEther(s.amount),
      reason: reasonText(s.reason),
    })),
    messages: {
      channel: Number(messages.find((m) => m.kind === "channel")?.n ?? 0),
      direct: Number(messages.find((m) => m.kind === "direct")?.n ?? 0),
    },
    writes: input.agents.map((a) => ({
      agentId: idOn(a) === undefined ? "?" : String(idOn(a)),
      name: a.name,
      capabilities: a.capabilities,
      state: a.state === "killed" ? "killed" : "finished",
      ...pick(statsOf(a)),
    })),
    approverWrites: input.approverWrites,
    escrow: {
      balance: balance.toString(),
      escrowed: escrowed.toString(),
      credits: credits.toString(),
      expected: expected.toString(),
    },
    schedules: schedules.map((s) => ({ id: String(s.id), count: s.count, spawned: s.spawned, cancelled: s.cancelled })),
    consistency: await checkConsistency(input.indexerUrl, input.rpcUrl, input.deployment),
    fees: input.feesFrom === undefined ? null : await chainFees(input.rpcUrl, input.feesFrom),
    claims: countOf(events, "TaskClaimed"),
  };
}

/**
 * What every transaction mined after block `from` cost (on a local chain of a run, the swarm's):
 * gas used, gas × effective price, and on an OP-stack chain the L1 data fee its receipts carry.
 */
export async function chainFees(rpcUrl: string, from: bigint): Promise<ChainFees> {
  const client = createPublicClient({ transport: http(rpcUrl, { batch: { batchSize: 200 } }) });
  const head = await client.getBlockNumber();
  const numbers = Array.from({ length: Math.max(0, Number(head - from)) }, (_, i) => from + 1n + BigInt(i));
  const blocks = await Promise.all(numbers.map((blockNumber) => client.getBlock({ blockNumber })));
  const hashes: Hash[] = blocks.flatMap((b) => b.transactions);
  const receipts = await Promise.all(hashes.map((hash) => client.getTransactionReceipt({ hash })));
  let gasUsed = 0n;
  let executionFee = 0n;
  let l1Fee: bigint | null = null;
  let l1GasUsed: bigint | null = null;
  for (const r of receipts) {
    gasUsed += r.gasUsed;
    executionFee += r.gasUsed * r.effectiveGasPrice;
    // OP-stack receipts add the L1 data fee (viem passes fields it does not know through as hex).
    const op = r as unknown as { l1Fee?: string | bigint | null; l1GasUsed?: string | bigint | null };
    if (op.l1Fee != null) l1Fee = (l1Fee ?? 0n) + BigInt(op.l1Fee);
    if (op.l1GasUsed != null) l1GasUsed = (l1GasUsed ?? 0n) + BigInt(op.l1GasUsed);
  }
  return {
    transactions: receipts.length,
    gasUsed: gasUsed.toString(),
    executionFee: executionFee.toString(),
    l1Fee: l1Fee?.toString() ?? null,
    l1GasUsed: l1GasUsed?.toString() ?? null,
  };
}

const pick = (s: AgentProcess["stats"]) => ({
  writes: s.writes,
  claims: s.claims,
  submitted: s.submitted,
  revertedClaims: s.revertedClaims,
  lostRaces: s.lostRaces,
  posted: s.posted,
  accepted: s.accepted,
  rejected: s.rejected,
  failovers: s.failovers,
});

function reasonText(reason: string): string {
  try {
    return hexToString(reason as Hex, { size: 32 }).replace(/\0+$/, "");
  } catch {
    return reason;
  }
}

const eth = (wei: string) => `${formatEther(BigInt(wei))} ETH`;

/** The end-of-run summary, as printed. */
export function formatReport(r: RunReport): string {
  const done = r.tasks.byStatus.accepted ?? 0;
  const other = ["cancelled", "expired"].map((s) => `${r.tasks.byStatus[s] ?? 0} ${s}`).join(", ");
  const terms = r.terms
    .map((t) => `term ${t.term}: #${t.agentId} ${t.name}${t.failedOver ? " (failed over)" : ""}`)
    .join(" → ");
  const slashes = r.slashes.length
    ? r.slashes.map((s) => `#${s.agentId} ${s.name} ${s.amount} STK (${s.reason})`).join(", ")
    : "none";
  const lines = [
    "",
    "══ Run summary ═══════════════════════════════════════════════════════════",
    `  tasks done        ${done} of ${r.tasks.total} accepted ` +
      `(${r.tasks.posted} posted by leaders + ${r.tasks.rounds} schedule rounds); ${other}`,
    `  double work       ${r.doubleWork.tasks.length + r.doubleWork.chainDuplicates.length} ` +
      "(tasks with two concurrent claimants)",
    `  reverted claims   ${r.revertedClaims} mined and reverted · ${r.lostRaces} races lost before sending (no gas)`,
    `  review            ${r.events.rejected} rejected and redone · ${r.events.handedOff} handed off · ` +
      `${r.events.escalated} escalated, ${r.events.answered} answered by the human approver · ` +
      `${r.events.reclaimed} reclaimed · ${r.events.locks} shared-ledger locks`,
    `  leader terms      ${terms || "none"}`,
    `  killed            ${r.killed ? `#${r.killed.agentId} ${r.killed.name} (SIGKILL while leading)` : "nobody"}`,
    `  slashes           ${slashes}`,
    `  messages          ${r.messages.channel} on the group channel · ${r.messages.direct} direct`,
    `  escrow            TaskBoard holds ${eth(r.escrow.balance)} = escrowed ${eth(r.escrow.escrowed)} ` +
      `+ unwithdrawn credits ${eth(r.escrow.credits)}`,
    `  run               ${r.seconds} s · ${r.blocks} blocks`,
    "",
    "  RPC writes (transactions each agent sent)",
    "    agent        capabilities      writes  claims  submitted  posted  reviewed  failovers  state",
    ...r.writes.map(
      (w) =>
        `    ${`#${w.agentId} ${w.name}`.padEnd(12)} ${w.capabilities.join(",").padEnd(16)} ` +
        `${String(w.writes).padStart(7)} ${String(w.claims).padStart(7)} ${String(w.submitted).padStart(10)} ` +
        `${String(w.posted).padStart(7)} ${String(w.accepted + w.rejected).padStart(9)} ` +
        `${String(w.failovers).padStart(10)}  ${w.state}`,
    ),
    `    ${"human approver (the orchestrator)".padEnd(29)} ${String(r.approverWrites).padStart(7)}`,
    `    ${"total".padEnd(29)} ${String(r.writes.reduce((s, w) => s + w.writes, 0) + r.approverWrites).padStart(7)}`,
  ];
  return lines.join("\n");
}

const ethShort = (wei: string | bigint) => `${(Number(BigInt(wei)) / 1e18).toFixed(6)} ETH`;
const thousands = (n: string | number | bigint) => BigInt(n).toLocaleString("en-US");

/** A chain's cost line: execution fees, and on an OP-stack chain the L1 data fee beside them. */
export function feeText(f: ChainFees): string {
  const execution = `${ethShort(f.executionFee)} ${f.l1Fee === null ? "execution" : "L2 execution"}`;
  if (f.l1Fee === null) return execution;
  const total = BigInt(f.executionFee) + BigInt(f.l1Fee);
  const share = total === 0n ? 0 : Number((BigInt(f.l1Fee) * 1000n) / total) / 10;
  return `${execution} + ${ethShort(f.l1Fee)} L1 data (${share}% of ${ethShort(total)})`;
}

const chainTitle = (c: ReportChain) => `${c.name} (chain ${c.id}, ${c.type === "op" ? "OP stack" : "L1"})`;

/** The rows of one chain's column in the side-by-side summary. */
function column(r: RunReport): Record<string, string> {
  const other = ["cancelled", "expired"].map((st) => `${r.tasks.byStatus[st] ?? 0} ${st}`).join(", ");
  const settled = r.tasks.total - r.tasks.unfinished.length;
  const terms = r.terms.map((t) => `${t.term}: #${t.agentId} ${t.name}${t.failedOver ? " ✗" : ""}`).join(" → ");
  const killedHere =
    r.killed && r.terms.some((t) => t.agentId === r.killed!.agentId) ? "while leading" : "while working";
  return {
    "tasks posted": `${r.tasks.posted} by leaders + ${r.tasks.rounds} schedule rounds`,
    "tasks claimed": `${r.claims} claims · ${r.revertedClaims} reverted · ${r.lostRaces} races lost`,
    "tasks settled": `${settled}/${r.tasks.total}: ${r.tasks.byStatus.accepted ?? 0} accepted, ${other}`,
    "double work": String(r.doubleWork.tasks.length + r.doubleWork.chainDuplicates.length),
    review:
      `${r.events.rejected} rejected · ${r.events.handedOff} handed off · ` +
      `${r.events.escalated} escalated, ${r.events.answered} answered`,
    "reclaimed, locks": `${r.events.reclaimed} reclaimed · ${r.events.locks} shared-ledger locks`,
    "leader terms": terms || "none",
    killed: r.killed ? `#${r.killed.agentId} ${r.killed.name} (SIGKILL ${killedHere})` : "nobody",
    slashes: r.slashes.length ? r.slashes.map((x) => `#${x.agentId} ${x.name} ${x.amount} STK`).join(", ") : "none",
    messages: `${r.messages.channel} on the channel · ${r.messages.direct} direct`,
    escrow:
      `holds ${ethShort(r.escrow.balance)} = escrowed ${ethShort(r.escrow.escrowed)} ` +
      `+ credits ${ethShort(r.escrow.credits)}`,
    transactions: r.fees ? `${thousands(r.fees.transactions)} · ${thousands(r.fees.gasUsed)} gas` : "—",
    fees: r.fees ? feeText(r.fees) : "—",
    "L1 data gas": r.fees?.l1GasUsed ? `${thousands(r.fees.l1GasUsed)} (receipts' l1GasUsed)` : "—",
    blocks: String(r.blocks),
  };
}

/** The end-of-run summary of a run on several chains: one column per chain, then each agent's counts per chain. */
export function formatReports(reports: RunReport[], seconds: number): string {
  const columns = reports.map(column);
  const labels = [...new Set(columns.flatMap((c) => Object.keys(c)))];
  const widths = reports.map((r, i) =>
    Math.max(chainTitle(r.chain).length, ...labels.map((l) => (columns[i]![l] ?? "—").length)),
  );
  const row = (label: string, cells: string[]) =>
    (
      `  ${label.padEnd(18)} ` +
      `${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  │ ")}`
    ).trimEnd();
  const perAgent = (w: AgentLine) =>
    `#${w.agentId}`.padEnd(4) +
    `${String(w.writes).padStart(6)} ${String(w.claims).padStart(6)} ${String(w.submitted).padStart(6)} ` +
    `${String(w.posted).padStart(6)} ${String(w.accepted + w.rejected).padStart(6)} ${String(w.failovers).padStart(4)}`;
  const head = "id    writes claims submit posted review fail";
  /** Transactions sent on a chain: the agents' and the human approver's. */
  const written = (r: RunReport) => r.writes.reduce((n, w) => n + w.writes, 0) + r.approverWrites;
  const first = reports[0]!;
  return [
    "",
    `══ Run summary: ${reports.length} chains, one indexer ════════════════════════════════════════`,
    row(
      "",
      reports.map((r) => chainTitle(r.chain)),
    ),
    ...labels.map((l) =>
      row(
        l,
        columns.map((c) => c[l] ?? "—"),
      ),
    ),
    `  ${"run".padEnd(18)} ${seconds} s`,
    "",
    "  RPC writes (transactions each agent sent, per chain)",
    `    ${"agent".padEnd(10)} ${"capabilities".padEnd(16)} ` +
      `${reports.map((r) => `${r.chain.name}: ${head}`.padEnd(head.length + r.chain.name.length + 4)).join(" │ ")}`,
    ...first.writes.map((w, i) => {
      const cells = reports.map((r) =>
        `${" ".repeat(r.chain.name.length + 2)}${perAgent(r.writes[i]!)}`.padEnd(head.length + r.chain.name.length + 4),
      );
      return `    ${w.name.padEnd(10)} ${w.capabilities.join(",").padEnd(16)} ${cells.join(" │ ")}  ${w.state}`;
    }),
    `    ${"human approver (the orchestrator)".padEnd(27)} ` +
      `${reports.map((r) => `${r.chain.name}: ${r.approverWrites}`).join(" · ")}`,
    `    ${"total".padEnd(27)} ${reports.map((r) => `${r.chain.name}: ${written(r)}`).join(" · ")}`,
  ].join("\n");
}

/** Addresses as printed in the endpoints list. */
export const addressLines = (deployment: Deployment) =>
  Object.entries(deployment.contracts).map(([name, address]) => `  ${name.padEnd(20)} ${address as Address}`);
