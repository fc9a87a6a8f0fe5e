/**
 * Typed views of what the indexer returns: REST answers (big integers as decimal strings) and live
 * SQL rows (strings or numbers, snake_case columns turned camelCase); these turn either into bigints.
 * Every row names its chain (`chainId`): an indexer may follow several, and ids (task 1, agent 1, …)
 * repeat from one chain to the next.
 */
import { type SQL, sql } from "@ponder/client";
import { type Address, type Hex, zeroHash } from "viem";
import { InvalidInputError } from "../errors/input.js";
import type { Row } from "./client.js";

const big = (v: unknown): bigint =>
  v === null || v === undefined || v === "" ? 0n : BigInt(v as string | number | bigint);
const num = (v: unknown): number => Number(v ?? 0);
const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
const hex = (v: unknown): Hex => str(v).toLowerCase() as Hex;

export const TASK_STATUSES = [
  "none",
  "open",
  "claimed",
  "submitted",
  "escalated",
  "accepted",
  "cancelled",
  "expired",
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A task as the indexer holds it. */
export type Task = {
  /** The chain the task is on (ids repeat across chains). */
  chainId: number;
  id: bigint;
  status: TaskStatus;
  poster: Address;
  capability: Hex;
  specURI: string;
  specHash: Hex;
  rewardToken: Address;
  reward: bigint;
  maxReward: bigint;
  claimBond: bigint;
  minStake: bigint;
  abandonSlash: bigint;
  leaseDuration: bigint;
  notBefore: bigint;
  deadline: bigint;
  reviewWindow: bigint;
  approver: Address;
  postedAt: bigint;
  scheduleId: bigint;
  round: number;
  /** The agent holding (or that last held) the task; 0 while open. */
  claimant: bigint;
  attempt: number;
  leaseExpiry: bigint;
  lockedReward: bigint;
  resultURI: string | null;
  resultHash: Hex | null;
  reviewDeadline: bigint | null;
  /** The agent a handoff is offered to (0: none). */
  pendingHandoff: bigint;
  updatedAt: bigint;
};

export function toTask(r: Row): Task {
  return {
    chainId: num(r.chainId),
    id: big(r.id),
    status: str(r.status) as TaskStatus,
    poster: hex(r.poster) as Address,
    capability: hex(r.capability),
    specURI: str(r.specURI),
    specHash: hex(r.specHash),
    rewardToken: hex(r.rewardToken) as Address,
    reward: big(r.reward),
    maxReward: big(r.maxReward),
    claimBond: big(r.claimBond),
    minStake: big(r.minStake),
    abandonSlash: big(r.abandonSlash),
    leaseDuration: big(r.leaseDuration),
    notBefore: big(r.notBefore),
    deadline: big(r.deadline),
    reviewWindow: big(r.reviewWindow),
    approver: hex(r.approver) as Address,
    postedAt: big(r.postedAt),
    scheduleId: big(r.scheduleId),
    round: num(r.round),
    claimant: big(r.claimant),
    attempt: num(r.attempt),
    leaseExpiry: big(r.leaseExpiry),
    lockedReward: big(r.lockedReward),
    resultURI: (r.resultURI ?? null) as string | null,
    resultHash: (r.resultHash ?? null) as Hex | null,
    reviewDeadline: r.reviewDeadline === null || r.reviewDeadline === undefined ? null : big(r.reviewDeadline),
    pendingHandoff: big(r.pendingHandoff),
    updatedAt: big(r.updatedAt),
  };
}

/**
 * The select list that makes a `task` row read like REST's task (`toTask` takes either): the URI
 * columns under REST's names, and the pending handoff, valid while the attempt that got the offer
 * holds the task.
 */
export const TASK_ROW: SQL = sql.raw(
  `*, spec_uri as "specURI", result_uri as "resultURI", ` +
    `case when status = 'claimed' and handoff_attempt = attempt then handoff_to else 0 end as "pendingHandoff"`,
);

/** Which tasks {@link taskQuery} selects. */
export type TaskQuery = {
  /** The chains (one or several). */
  chainIds: readonly number[];
  status?: TaskStatus | undefined;
  /** Tasks needing one of these capability ids, or open to any (zero). */
  capabilities?: readonly Hex[] | undefined;
  poster?: Address | undefined;
  limit: number;
};

/**
 * The SQL selecting tasks as REST's `/tasks?chain=&status=&capability=&poster=` does, in its order
 * (by id, then chain), each row reading like REST's task (`toTask`). Several chains in one query:
 * one live query follows them all.
 */
export function taskQuery(q: TaskQuery): SQL {
  const ids = q.chainIds.map((id) => {
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new InvalidInputError("chainId", "expected a chain id (a positive integer)", id);
    return id;
  });
  const where = [sql.raw(ids.length === 1 ? `chain_id = ${ids[0]}` : `chain_id in (${ids.join(", ")})`)];
  if (q.status) where.push(sql`status = ${q.status}`);
  if (q.capabilities) {
    const caps = [zeroHash, ...q.capabilities].map((c) => sql`${c.toLowerCase()}`);
    where.push(sql`capability in (${sql.join(caps, sql`, `)})`);
  }
  if (q.poster) where.push(sql`poster = ${q.poster.toLowerCase()}`);
  return sql`select ${TASK_ROW} from task where ${sql.join(where, sql` and `)} order by id, chain_id limit ${q.limit}`;
}

/** The select list of a `group` row for {@link leadershipOfRow}. */
export const GROUP_ROW: SQL = sql.raw(
  "chain_id, id, leader, term, epoch, last_heartbeat, heartbeat_timeout, draw_block, draw_epoch, draw_term",
);

/** A group's leadership as the indexer holds it. */
export type Leadership = {
  chainId: number;
  groupId: bigint;
  /** The leader's agent id (0: none). */
  leader: bigint;
  term: bigint;
  epoch: bigint;
  lastHeartbeat: bigint;
  /** When the leader may be failed over (null without a leader). */
  heartbeatDeadline: bigint | null;
  /** A draw requested and not yet settled (the seat changes when it is): its request block, epoch and term. */
  pendingDraw: { drawBlock: bigint; epoch: bigint; term: bigint } | null;
};

function toPendingDraw(p: unknown): Leadership["pendingDraw"] {
  if (p === null || p === undefined || typeof p !== "object") return null;
  const d = p as Row;
  return { drawBlock: big(d.drawBlock), epoch: big(d.epoch), term: big(d.term) };
}

export function toLeadership(r: Row): Leadership {
  return {
    chainId: num(r.chainId),
    groupId: big(r.groupId),
    leader: big(r.leader),
    term: big(r.term),
    epoch: big(r.epoch),
    lastHeartbeat: big(r.lastHeartbeat),
    heartbeatDeadline:
      r.heartbeatDeadline === null || r.heartbeatDeadline === undefined ? null : big(r.heartbeatDeadline),
    pendingDraw: toPendingDraw(r.pendingDraw),
  };
}

/** A group's leadership from a live `group` row (see {@link GROUP_ROW}), as REST's `/groups/:id/leader` computes it. */
export function leadershipOfRow(r: Row): Leadership {
  const leader = big(r.leader);
  return {
    chainId: num(r.chainId),
    groupId: big(r.id),
    leader,
    term: big(r.term),
    epoch: big(r.epoch),
    lastHeartbeat: big(r.lastHeartbeat),
    heartbeatDeadline: leader === 0n ? null : big(r.lastHeartbeat) + big(r.heartbeatTimeout),
    pendingDraw:
      big(r.drawBlock) === 0n ? null : { drawBlock: big(r.drawBlock), epoch: big(r.drawEpoch), term: big(r.drawTerm) },
  };
}

/** A channel post or a direct message. */
export type Message = {
  chainId: number;
  kind: "channel" | "direct";
  channel: Hex | null;
  toAgentId: bigint | null;
  fromAgentId: bigint;
  seq: bigint;
  payload: Hex;
  blockNumber: bigint;
  timestamp: bigint;
};

export function toMessage(r: Row): Message {
  return {
    chainId: num(r.chainId),
    kind: str(r.kind) === "direct" ? "direct" : "channel",
    channel: r.channel ? hex(r.channel) : null,
    toAgentId: r.toAgentId === null || r.toAgentId === undefined ? null : big(r.toAgentId),
    fromAgentId: big(r.fromAgentId),
    seq: big(r.seq),
    payload: hex(r.payload),
    blockNumber: big(r.blockNumber),
    timestamp: big(r.timestamp),
  };
}

/** An agent as the indexer holds it. */
export type AgentRecord = {
  /** The chain it is registered on (an identity is per chain: agent 1 on one chain is not agent 1 on another). */
  chainId: number;
  id: bigint;
  owner: Address;
  uri: string;
  /** The verified agent wallet (the owner until one is set; null when cleared). */
  wallet: Address | null;
  capabilities: Hex[];
  registeredAt: bigint;
};

export function toAgent(r: Row): AgentRecord {
  return {
    chainId: num(r.chainId),
    id: big(r.id),
    owner: hex(r.owner) as Address,
    uri: str(r.uri),
    wallet: r.wallet ? (hex(r.wallet) as Address) : null,
    capabilities: Array.isArray(r.capabilities) ? r.capabilities.map(hex) : [],
    registeredAt: big(r.registeredAt),
  };
}

/** What each round of a schedule asks and pays (from its template). */
export type RoundTerms = {
  rewardToken: Address;
  claimBond: bigint;
  /** Seconds after a round's due time during which it can be claimed. */
  window: bigint;
};

/** A schedule as the indexer holds it. */
export type Schedule = {
  chainId: number;
  id: bigint;
  poster: Address;
  firstAt: bigint;
  interval: bigint;
  count: number;
  spawned: number;
  cancelled: boolean;
  /** The rounds' terms, when known (the indexer keeps the template; the chain only emits it). */
  terms: RoundTerms | undefined;
};

/** Round terms from a template as the indexer stores it (JSON, big integers as strings) or as viem decodes it. */
export function toRoundTerms(template: unknown): RoundTerms | undefined {
  if (typeof template !== "object" || template === null) return undefined;
  const t = template as Record<string, unknown>;
  return { rewardToken: hex(t.rewardToken) as Address, claimBond: big(t.claimBond), window: big(t.deadline) };
}

export function toSchedule(r: Row): Schedule {
  const template = typeof r.template === "string" ? (JSON.parse(r.template) as unknown) : r.template;
  return {
    chainId: num(r.chainId),
    id: big(r.id),
    poster: hex(r.poster) as Address,
    firstAt: big(r.firstAt),
    interval: big(r.interval),
    count: num(r.count),
    spawned: num(r.spawned),
    cancelled: r.cancelled === true || r.cancelled === "true" || r.cancelled === 1,
    terms: toRoundTerms(template),
  };
}

/** One event in a task's history (what `getTaskHistory` returns). */
export type TaskEvent = {
  chainId: number;
  /** The event's name: TaskPosted, TaskClaimed, LeaseRenewed, TaskHandedOff, TaskSubmitted, TaskAccepted, … */
  kind: string;
  taskId: bigint;
  /** The agent it concerns (the claimant; for a handoff, the agent handing off), when there is one. */
  agentId: bigint | null;
  /** The attempt it concerns, when there is one. */
  attempt: number | null;
  /** The event's arguments, big integers as decimal strings. */
  data: Record<string, unknown>;
  blockNumber: bigint;
  logIndex: number;
  /** The block's time (0 when read from the node's logs). */
  timestamp: bigint;
  txHash: Hex;
};

export function toTaskEvent(r: Row): TaskEvent {
  const data = typeof r.data === "string" ? (JSON.parse(r.data) as unknown) : r.data;
  return {
    chainId: num(r.chainId),
    kind: str(r.kind),
    taskId: big(r.taskId),
    agentId: r.agentId === null || r.agentId === undefined ? null : big(r.agentId),
    attempt: r.attempt === null || r.attempt === undefined ? null : num(r.attempt),
    data: typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {},
    blockNumber: big(r.blockNumber),
    logIndex: num(r.logIndex),
    timestamp: big(r.timestamp),
    txHash: hex(r.txHash),
  };
}

/** A member of a leader-election group (what `getGroupMembers` returns). */
export type GroupMember = {
  chainId: number;
  groupId: bigint;
  agentId: bigint;
  /** Its weight in draws (its stake, in the group's weight units). */
  weight: bigint;
  /** When it joined (0 when read from the node's logs). */
  joinedAt: bigint;
  /** The capabilities the agent declares. */
  capabilities: Hex[];
};

/** One leader's term in a group (what `listTerms` returns). */
export type Term = {
  chainId: number;
  groupId: bigint;
  term: bigint;
  epoch: bigint;
  /** The leader. */
  agentId: bigint;
  /** When the term began (the draw's settlement). */
  startedAt: bigint;
  /** Heartbeats the leader sent in it. */
  heartbeats: number;
  /** Who failed the leader over (null while it held its seat). */
  failedOverBy: Address | null;
};

export function toTerm(r: Row): Term {
  return {
    chainId: num(r.chainId),
    groupId: big(r.groupId),
    term: big(r.term),
    epoch: big(r.epoch),
    agentId: big(r.agentId),
    startedAt: big(r.startedAt),
    heartbeats: num(r.heartbeats),
    failedOverBy: r.failedOverBy ? (hex(r.failedOverBy) as Address) : null,
  };
}

export { big };
