/**
 * What the rows mean: agents' names and capabilities from their registration files, the reward a
 * task pays now, reputation from TaskBoard feedback, the escrow the index implies, vote tallies.
 * Pure functions of the snapshot (and the chain clock), shared by the views.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { ActivityRow, AgentRow, Hex, ProposalRow, Snapshot, TaskRow, VoteRow } from "./data/indexer.ts";
import { bytes32Text, short } from "./format.ts";

const ZERO = "0x0000000000000000000000000000000000000000";

const keccakHex = (text: string): Hex =>
  `0x${[...keccak_256(new TextEncoder().encode(text))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;

// ---------------------------------------------------------------- names

/** Names the SDK hashes into bytes32 ids (capabilities, channels, lock keys, group names) that the page may meet. */
const KNOWN_NAMES = [
  "research",
  "code",
  "review",
  "summarize",
  "translate",
  "swarm",
  "orders",
  "shared-ledger",
  "open",
  "general",
];
const hashed = new Map<string, string>();
export function learnName(name: string) {
  const id = keccakHex(name);
  if (!hashed.has(id)) hashed.set(id, name);
}
for (const n of KNOWN_NAMES) learnName(n);

/** A bytes32 id as a readable name: a padded string, a known name's hash, else its short hex. */
export function nameOf(id: Hex | null | undefined): string {
  if (!id) return "—";
  return bytes32Text(id) ?? hashed.get(id.toLowerCase()) ?? short(id);
}

/** A channel by the name it was restricted under (group channels), else by its id. */
export function channelName(snapshot: Snapshot, id: Hex | null | undefined): string {
  if (!id) return "—";
  const c = snapshot.channels.find((x) => x.id.toLowerCase() === id.toLowerCase());
  return c?.name ? `${nameOf(c.name)} (group ${c.groupId})` : nameOf(id);
}

export type Profile = { name: string; description?: string; capabilityNames: string[] };

const profiles = new Map<string, Profile | null>();

/** The registration file inlined in a `data:application/json;base64,` URI (local chains), if any. */
function registration(uri: string): { name?: string; description?: string; capabilities?: string[] } | null {
  const match = /^data:application\/json(?:;charset=[^;,]+)?;base64,(.*)$/i.exec(uri);
  if (!match) return null;
  try {
    const bytes = Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as {
      name?: string;
      description?: string;
      capabilities?: string[];
    };
  } catch {
    return null;
  }
}

/** An agent's display name and capability names (from its registration file when it is inlined). */
export function profile(agent: AgentRow | undefined): Profile | undefined {
  if (!agent) return undefined;
  let p = profiles.get(agent.uri);
  if (p === undefined) {
    const file = registration(agent.uri);
    for (const cap of file?.capabilities ?? []) if (typeof cap === "string") learnName(cap);
    const fromUri = /^ipfs:\/\/(.+)$/.exec(agent.uri)?.[1];
    p = file?.name
      ? { name: file.name, ...(file.description ? { description: file.description } : {}), capabilityNames: [] }
      : fromUri
        ? { name: fromUri, capabilityNames: [] }
        : null;
    profiles.set(agent.uri, p);
  }
  return {
    name: p?.name ?? `agent ${agent.id}`,
    ...(p?.description ? { description: p.description } : {}),
    capabilityNames: agent.capabilities.map(nameOf),
  };
}

export const agentName = (snapshot: Snapshot, id: bigint): string =>
  profile(snapshot.agents.find((a) => a.id === id))?.name ?? `agent ${id}`;

// ---------------------------------------------------------------- tasks

export const UNSETTLED = new Set(["open", "claimed", "submitted", "escalated"]);

/**
 * The reward a task pays: while open, the ramp from `reward` at posting to `maxReward` at the
 * deadline (what a claim would lock in now); once claimed, what the claim locked in.
 */
export function rewardNow(t: TaskRow, now: number): bigint {
  if (t.status !== "open") return t.lockedReward;
  if (t.maxReward === t.reward || t.deadline <= t.postedAt) return t.reward;
  const at = BigInt(Math.floor(now));
  if (at <= t.postedAt) return t.reward;
  if (at >= t.deadline) return t.maxReward;
  return t.reward + ((t.maxReward - t.reward) * (at - t.postedAt)) / (t.deadline - t.postedAt);
}

/** How far along the ramp a task is, 0..1 (1 for a flat reward). */
export function rampShare(t: TaskRow, now: number): number {
  if (t.maxReward === t.reward) return 1;
  const r = rewardNow(t, now);
  return Number(((r - t.reward) * 1000n) / (t.maxReward - t.reward)) / 1000;
}

/** A claimed task's lease: seconds left (negative once expired); an escalated one's paused remainder. */
export function leaseLeft(t: TaskRow, now: number): number | undefined {
  if (t.status === "claimed") return Number(t.leaseExpiry) - now;
  if (t.status === "escalated") return Number(t.leaseRemaining);
  return undefined;
}

/** The pending handoff offer of a claimed task (the agent it is offered to), or 0. */
export const pendingHandoff = (t: TaskRow): bigint =>
  t.status === "claimed" && t.handoffAttempt === t.attempt ? t.handoffTo : 0n;

// ---------------------------------------------------------------- reputation

export type Reputation = {
  /** TaskBoard-attested outcomes (tag1 "task"). */
  accepted: number;
  rejected: number;
  abandoned: number;
  /** Mean of the TaskBoard's feedback values (0..100), or undefined without any. */
  score: number | undefined;
  /** Feedback from other clients. */
  others: number;
};

/** An agent's reputation: the TaskBoard's feedback (protocol-attested) and the count from other clients. */
export function reputation(snapshot: Snapshot, agentId: bigint): Reputation {
  const taskBoard = snapshot.deployment?.contracts.TaskBoard?.toLowerCase();
  const rows = snapshot.feedback.filter((f) => f.agentId === agentId && !f.revoked);
  const attested = rows.filter((f) => f.client.toLowerCase() === taskBoard && f.tag1 === "task");
  const count = (tag: string) => attested.filter((f) => f.tag2 === tag).length;
  const score = attested.length
    ? attested.reduce((s, f) => s + Number(f.value) / 10 ** f.valueDecimals, 0) / attested.length
    : undefined;
  return {
    accepted: count("accepted"),
    rejected: count("rejected"),
    abandoned: count("abandoned"),
    score,
    others: rows.length - attested.length,
  };
}

// ---------------------------------------------------------------- escrow

export type IndexedBooks = { token: Hex; escrowed: bigint; credits: bigint; tasks: number; rounds: number };

/**
 * Per token, what the index says the TaskBoard holds: every unsettled task's `maxReward` plus the
 * claim bond its claimant put up, every unspawned round of a live schedule, and the credits owed.
 * Exact only when every task is in the snapshot (`complete`).
 */
export function indexedBooks(snapshot: Snapshot): { books: IndexedBooks[]; complete: boolean } {
  const by = new Map<string, IndexedBooks>();
  const at = (token: string) => {
    const key = token.toLowerCase();
    const known = by.get(key);
    if (known) return known;
    const b: IndexedBooks = { token: key as Hex, escrowed: 0n, credits: 0n, tasks: 0, rounds: 0 };
    by.set(key, b);
    return b;
  };
  at(ZERO);
  for (const t of snapshot.tasks) {
    if (!UNSETTLED.has(t.status)) continue;
    const b = at(t.rewardToken);
    b.escrowed += t.maxReward + (t.status !== "open" ? t.claimBond : 0n);
    b.tasks++;
  }
  for (const s of snapshot.schedules) {
    if (s.cancelled || s.spawned >= s.count) continue;
    const b = at(s.template.rewardToken ?? ZERO);
    b.escrowed += BigInt(s.template.maxReward ?? 0) * BigInt(s.count - s.spawned);
    b.rounds += s.count - s.spawned;
  }
  for (const c of snapshot.credits) at(c.token).credits += c.amount;
  return {
    books: [...by.values()].sort((a, b) => a.token.localeCompare(b.token)),
    complete: snapshot.tasks.length >= snapshot.totals.tasks,
  };
}

// ---------------------------------------------------------------- proposals

export type Tally = { option: number; weight: bigint; voters: number }[];

export function tally(p: ProposalRow, votes: VoteRow[]): Tally {
  const out: Tally = Array.from({ length: p.options }, (_, option) => ({ option, weight: 0n, voters: 0 }));
  for (const v of votes) {
    if (v.proposalId !== p.id) continue;
    const row = out[v.option];
    if (!row) continue;
    row.weight += v.weight;
    row.voters++;
  }
  return out;
}

/** Governance's outcome codes beside the winning option's index. */
export const outcomeText = (outcome: number | null) =>
  outcome === null ? "—" : outcome === 255 ? "no quorum" : outcome === 254 ? "tie" : `option ${outcome}`;

// ---------------------------------------------------------------- activity

/** One line of plain language for an audit-log row. */
export function describe(snapshot: Snapshot, row: ActivityRow): string {
  const a = row.args as Record<string, string>;
  const who = (id: unknown) =>
    id === undefined || id === null ? "?" : `${agentName(snapshot, BigInt(id as string))} (#${id})`;
  switch (row.event) {
    case "Registered":
      return `${who(a.agentId)} registered`;
    case "TaskPosted":
      return `task ${a.taskId} posted`;
    case "TaskClaimed":
      return `${who(a.agentId)} claimed task ${a.taskId} (attempt ${a.attempt})`;
    case "LeaseRenewed":
      return `${who(a.agentId)} renewed the lease on task ${a.taskId}`;
    case "TaskSubmitted":
      return `${who(a.agentId)} submitted task ${a.taskId}`;
    case "TaskAccepted":
      return `task ${a.taskId} accepted`;
    case "TaskRejected":
      return `task ${a.taskId} rejected`;
    case "TaskReclaimed":
      return `task ${a.taskId} reclaimed from ${who(a.agentId)} (lease expired)`;
    case "TaskHandedOff":
      return `${who(a.fromAgentId)} handed task ${a.taskId} to ${who(a.toAgentId)}`;
    case "TaskEscalated":
      return `${who(a.agentId)} escalated task ${a.taskId} to its approver`;
    case "EscalationResolved":
      return `the approver answered task ${a.taskId} (${a.resume ? "resume" : "reopen"})`;
    case "LeaderElected":
      return `${who(a.agentId)} elected leader of group ${a.groupId}, term ${a.term}`;
    case "LeaderFailedOver":
      return `${who(a.agentId)} failed over in group ${a.groupId} (term ${a.term})`;
    case "DrawRequested":
      return `draw requested in group ${a.groupId} for term ${a.term} (block ${a.drawBlock})`;
    case "Heartbeat":
      return `${who(a.agentId)} heartbeat in group ${a.groupId}`;
    case "MemberJoined":
      return `${who(a.agentId)} joined group ${a.groupId}`;
    case "Staked":
      return `${who(a.agentId)} staked`;
    case "Slashed":
      return `${who(a.agentId)} slashed`;
    case "LockAcquired":
      return `${who(a.agentId)} took lock ${nameOf(a.key as Hex)} (token ${a.fencingToken})`;
    case "LockReleased":
      return `${who(a.agentId)} released lock ${nameOf(a.key as Hex)} (token ${a.fencingToken})`;
    case "ChannelMessage":
      return `${who(a.from)} posted #${a.seq} on ${channelName(snapshot, a.channel as Hex)}`;
    case "DirectMessage":
      return `${who(a.from)} wrote to ${who(a.to)} (#${a.seq})`;
    case "NewFeedback": {
      const taskBoard = snapshot.deployment?.contracts.TaskBoard?.toLowerCase();
      const from =
        String(a.clientAddress ?? "").toLowerCase() === taskBoard
          ? "the TaskBoard"
          : short(String(a.clientAddress ?? "?"));
      return `${who(a.agentId)} rated ${a.value} by ${from} (${[a.tag1, a.tag2].filter(Boolean).join(", ")})`;
    }
    case "VoteCast":
      return `${who(a.agentId)} voted option ${a.option} on proposal ${a.proposalId}`;
    default:
      return row.event;
  }
}
