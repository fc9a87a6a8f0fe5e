/**
 * The end of a run: what happened, read back from the indexer and checked against the chain
 * (tasks by outcome, double work, reverted claims, leader terms, slashes, messages, escrow), plus
 * what each agent reported about itself (the transactions it sent).
 */
import { and, asc, count, eq, isNotNull, ne } from "@ponder/client";
import { type Address, createPublicClient, formatEther, type Hex, hexToString, http, zeroAddress } from "viem";
import * as schema from "../../indexer/ponder.schema.ts";
import { abis, type Deployment, TASK_STATUSES } from "../../sdk/src/index.ts";
import { checkConsistency, indexerClient } from "../lib/oracle.ts";
import type { AgentProcess } from "./fleet.ts";
import { FINAL } from "./live.ts";

/** One event of a task's history, as `doubleClaims` reads it. */
export type HistoryEvent = { taskId: bigint | null; kind: string; agentId: bigint | null; data: unknown };

export type AgentLine = { agentId: string; name: string; capabilities: string[]; state: string; writes: number; claims: number; submitted: number; revertedClaims: number; lostRaces: number; posted: number; accepted: number; rejected: number; failovers: number };

export type RunReport = {
  agents: number;
  tasksPlanned: number;
  seconds: number;
  blocks: number;
  tasks: { total: number; posted: number; rounds: number; byStatus: Record<string, number>; unfinished: string[]; chainUnfinished: string[] };
  events: { rejected: number; handedOff: number; escalated: number; answered: number; reclaimed: number; locks: number };
  /** Tasks that had a second claimant while the first still held them (indexer history), and (task, attempt) pairs claimed twice (chain logs). */
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
};

export type CollectInput = {
  indexerUrl: string;
  rpcUrl: string;
  deployment: Deployment;
  groupId: bigint;
  agents: AgentProcess[];
  tasksPlanned: number;
  approverWrites: number;
  killed: AgentProcess | undefined;
  started: number;
};

/** Tasks whose history shows a claim while another agent still held the task (a handoff it accepted is no double work). */
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
  const name = (id: bigint | null) => input.agents.find((a) => a.agentId === id)?.name ?? "?";
  const { activity, message, schedule, slash, task, term } = schema;

  const [tasks, events, terms, slashes, messages, schedules, locks] = await Promise.all([
    db.select({ id: task.id, status: task.status, scheduleId: task.scheduleId }).from(task).orderBy(asc(task.id)),
    // Every task's history: its TaskBoard events in the audit log.
    db
      .select({ taskId: activity.taskId, kind: activity.event, agentId: activity.agentId, data: activity.args })
      .from(activity)
      .where(and(eq(activity.contract, "TaskBoard"), isNotNull(activity.taskId), ne(activity.event, "Credited")))
      .orderBy(asc(activity.blockNumber), asc(activity.logIndex)),
    db.select({ term: term.term, agentId: term.agentId, failedOverBy: term.failedOverBy }).from(term).where(eq(term.groupId, input.groupId)).orderBy(asc(term.term)),
    db.select({ agentId: slash.agentId, amount: slash.amount, reason: slash.reason }).from(slash).orderBy(asc(slash.timestamp)),
    db.select({ kind: message.kind, n: count() }).from(message).groupBy(message.kind),
    db.select().from(schedule).orderBy(asc(schedule.id)),
    db.select({ n: count() }).from(activity).where(eq(activity.event, "LockAcquired")),
  ]);

  const read = <T>(functionName: string, args: readonly unknown[]) =>
    chain.readContract({ address: board, abi: abis.TaskBoard, functionName: functionName as never, args: args as never }) as Promise<T>;
  const onChain = await Promise.all(tasks.map((t) => read<{ status: number; maxReward: bigint; claimBond: bigint }>("getTask", [t.id])));
  const claimed = await chain.getContractEvents({ address: board, abi: abis.TaskBoard, eventName: "TaskClaimed", fromBlock: BigInt(input.deployment.startBlock) });
  const [balance, escrowed, credits, blocks] = await Promise.all([
    chain.getBalance({ address: board }),
    read<bigint>("totalEscrowed", [zeroAddress]),
    read<bigint>("totalCredits", [zeroAddress]),
    chain.getBlockNumber(),
  ]);

  // Escrow still owed: the reward of every task not settled (with the bond its claimant posted), and unspawned schedule rounds.
  let expected = 0n;
  for (const t of onChain) {
    const status = TASK_STATUSES[t.status] ?? "none";
    if (FINAL.has(status)) continue;
    expected += t.maxReward + (status === "claimed" || status === "submitted" || status === "escalated" ? t.claimBond : 0n);
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
  const killedId = input.killed?.agentId;

  return {
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
      chainUnfinished: tasks.filter((_, i) => !FINAL.has(TASK_STATUSES[onChain[i]!.status] ?? "none")).map((t) => String(t.id)),
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
    revertedClaims: input.agents.reduce((s, a) => s + a.stats.revertedClaims, 0),
    lostRaces: input.agents.reduce((s, a) => s + a.stats.lostRaces, 0),
    terms: terms.map((t) => ({ term: String(t.term), agentId: String(t.agentId), name: name(t.agentId), failedOver: t.failedOverBy !== null })),
    killed: killedId === undefined ? null : { agentId: String(killedId), name: input.killed!.name },
    slashes: slashes.map((s) => ({ agentId: String(s.agentId), name: name(s.agentId), amount: formatEther(s.amount), reason: reasonText(s.reason) })),
    messages: { channel: Number(messages.find((m) => m.kind === "channel")?.n ?? 0), direct: Number(messages.find((m) => m.kind === "direct")?.n ?? 0) },
    writes: input.agents.map((a) => ({
      agentId: a.agentId === undefined ? "?" : String(a.agentId),
      name: a.name,
      capabilities: a.capabilities,
      state: a.state === "killed" ? "killed" : "finished",
      ...pick(a.stats),
    })),
    approverWrites: input.approverWrites,
    escrow: { balance: balance.toString(), escrowed: escrowed.toString(), credits: credits.toString(), expected: expected.toString() },
    schedules: schedules.map((s) => ({ id: String(s.id), count: s.count, spawned: s.spawned, cancelled: s.cancelled })),
    consistency: await checkConsistency(input.indexerUrl, input.rpcUrl, input.deployment),
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
  const terms = r.terms.map((t) => `term ${t.term}: #${t.agentId} ${t.name}${t.failedOver ? " (failed over)" : ""}`).join(" → ");
  const lines = [
    "",
    "══ Run summary ═══════════════════════════════════════════════════════════",
    `  tasks done        ${done} of ${r.tasks.total} accepted (${r.tasks.posted} posted by leaders + ${r.tasks.rounds} schedule rounds); ${other}`,
    `  double work       ${r.doubleWork.tasks.length + r.doubleWork.chainDuplicates.length} (tasks with two concurrent claimants)`,
    `  reverted claims   ${r.revertedClaims} mined and reverted · ${r.lostRaces} races lost before sending (no gas)`,
    `  review            ${r.events.rejected} rejected and redone · ${r.events.handedOff} handed off · ${r.events.escalated} escalated, ${r.events.answered} answered by the human approver · ${r.events.reclaimed} reclaimed · ${r.events.locks} shared-ledger locks`,
    `  leader terms      ${terms || "none"}`,
    `  killed            ${r.killed ? `#${r.killed.agentId} ${r.killed.name} (SIGKILL while leading)` : "nobody"}`,
    `  slashes           ${r.slashes.length ? r.slashes.map((s) => `#${s.agentId} ${s.name} ${s.amount} STK (${s.reason})`).join(", ") : "none"}`,
    `  messages          ${r.messages.channel} on the group channel · ${r.messages.direct} direct`,
    `  escrow            TaskBoard holds ${eth(r.escrow.balance)} = escrowed ${eth(r.escrow.escrowed)} + unwithdrawn credits ${eth(r.escrow.credits)}`,
    `  run               ${r.seconds} s · ${r.blocks} blocks`,
    "",
    "  RPC writes (transactions each agent sent)",
    "    agent        capabilities      writes  claims  submitted  posted  reviewed  failovers  state",
    ...r.writes.map(
      (w) =>
        `    ${`#${w.agentId} ${w.name}`.padEnd(12)} ${w.capabilities.join(",").padEnd(16)} ${String(w.writes).padStart(7)} ${String(w.claims).padStart(7)} ${String(w.submitted).padStart(10)} ${String(w.posted).padStart(7)} ${String(w.accepted + w.rejected).padStart(9)} ${String(w.failovers).padStart(10)}  ${w.state}`,
    ),
    `    ${"human approver (the orchestrator)".padEnd(29)} ${String(r.approverWrites).padStart(7)}`,
    `    ${"total".padEnd(29)} ${String(r.writes.reduce((s, w) => s + w.writes, 0) + r.approverWrites).padStart(7)}`,
  ];
  return lines.join("\n");
}

/** Addresses as printed in the endpoints list. */
export const addressLines = (deployment: Deployment) =>
  Object.entries(deployment.contracts).map(([name, address]) => `  ${name.padEnd(20)} ${address as Address}`);
