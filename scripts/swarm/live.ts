/**
 * The swarm as the indexer sees it, kept current by live queries (pushed over SSE whenever the
 * indexed tables change; nothing here polls the node): agents and their stake, the group's leader
 * and terms, tasks by state, schedules, messages and recent activity. The view draws it; the
 * orchestrator reads from it when to kill the leader and when the run is over.
 */
import { sql } from "@ponder/client";
import type { Address, Hex } from "viem";
import type { IndexerClient } from "../../sdk/src/index.ts";

type Row = Record<string, unknown>;

const big = (v: unknown): bigint => (v === null || v === undefined || v === "" ? 0n : BigInt(v as string | number));
const int = (n: bigint) => sql.raw(n.toString());

/** One row of the `activity` audit log. */
export type ActivityRow = {
  id: string;
  contract: string;
  event: string;
  agentId: bigint | null;
  taskId: bigint | null;
  args: Record<string, string>;
  blockNumber: bigint;
  logIndex: number;
};

export type GroupState = { leader: bigint; term: bigint; epoch: bigint; lastHeartbeat: bigint; heartbeatTimeout: bigint; memberCount: number };
export type TermRow = { term: bigint; agentId: bigint; failedOverBy: Address | null; heartbeats: number };
export type ScheduleRow = { id: bigint; count: number; spawned: number; cancelled: boolean; firstAt: bigint; interval: bigint; windowS: bigint };

export type SwarmState = {
  agents: Map<bigint, { capabilities: Hex[] }>;
  stakes: Map<bigint, { active: bigint; slashed: bigint }>;
  group: GroupState | undefined;
  terms: TermRow[];
  /** Task counts by status, for posted tasks (`direct`) and schedule rounds. */
  tasks: { direct: Map<string, number>; rounds: Map<string, number> };
  schedules: ScheduleRow[];
  messages: { channel: number; direct: number };
  /** The newest events (heartbeats and credits left out), newest first. */
  recent: ActivityRow[];
};

/** Events worth a line of their own (the rest shows in the counts). */
export const NOTABLE = [
  "Registered",
  "MemberJoined",
  "LeaderElected",
  "LeaderFailedOver",
  "Slashed",
  "GroupCreated",
  "ChannelRestricted",
  "ScheduleCreated",
  "TaskRejected",
  "TaskReclaimed",
  "TaskHandedOff",
  "TaskEscalated",
  "EscalationResolved",
  "TaskExpired",
  "TaskCancelled",
  "ChannelMessage",
  "DirectMessage",
  "LockAcquired",
] as const;

export const FINAL = new Set(["accepted", "cancelled", "expired"]);

const toActivity = (r: Row): ActivityRow => ({
  id: String(r.id),
  contract: String(r.contract),
  event: String(r.event),
  agentId: r.agentId === null || r.agentId === undefined ? null : big(r.agentId),
  taskId: r.taskId === null || r.taskId === undefined ? null : big(r.taskId),
  args: (typeof r.args === "string" ? JSON.parse(r.args) : r.args ?? {}) as Record<string, string>,
  blockNumber: big(r.blockNumber),
  logIndex: Number(r.logIndex ?? 0),
});

const byChainOrder = (a: ActivityRow, b: ActivityRow) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1);

export type SwarmFeed = { state: SwarmState; stop: () => void };

/**
 * Subscribes to the swarm's tables. `onChange` runs after every push, `onNotable` once per notable
 * event in chain order.
 */
export function followSwarm(
  indexer: IndexerClient,
  groupId: bigint,
  handlers: { onChange: () => void; onNotable: (row: ActivityRow) => void; onError: (error: Error) => void },
): SwarmFeed {
  const state: SwarmState = {
    agents: new Map(),
    stakes: new Map(),
    group: undefined,
    terms: [],
    tasks: { direct: new Map(), rounds: new Map() },
    schedules: [],
    messages: { channel: 0, direct: 0 },
    recent: [],
  };
  const seen = new Set<string>();
  const follow = (query: ReturnType<typeof sql>, apply: (rows: Row[]) => void) =>
    indexer.live(query, (rows) => {
      apply(rows);
      handlers.onChange();
    }, handlers.onError);
  const notable = sql.join(NOTABLE.map((e) => sql`${e}`), sql`, `);

  const stops = [
    follow(sql`select id, capabilities from agent order by id`, (rows) => {
      state.agents = new Map(rows.map((r) => [big(r.id), { capabilities: (r.capabilities as Hex[] | null) ?? [] }]));
    }),
    follow(sql`select agent_id, active, slashed from stake`, (rows) => {
      state.stakes = new Map(rows.map((r) => [big(r.agentId), { active: big(r.active), slashed: big(r.slashed) }]));
    }),
    follow(sql`select * from "group" where id = ${int(groupId)}`, ([r]) => {
      state.group = r && {
        leader: big(r.leader),
        term: big(r.term),
        epoch: big(r.epoch),
        lastHeartbeat: big(r.lastHeartbeat),
        heartbeatTimeout: big(r.heartbeatTimeout),
        memberCount: Number(r.memberCount ?? 0),
      };
    }),
    follow(sql`select term, agent_id, failed_over_by, heartbeats from term where group_id = ${int(groupId)} order by term`, (rows) => {
      state.terms = rows.map((r) => ({ term: big(r.term), agentId: big(r.agentId), failedOverBy: (r.failedOverBy as Address | null) ?? null, heartbeats: Number(r.heartbeats ?? 0) }));
    }),
    follow(sql`select status, schedule_id, count(*) as n from task group by status, schedule_id`, (rows) => {
      const direct = new Map<string, number>();
      const rounds = new Map<string, number>();
      for (const r of rows) {
        const into = big(r.scheduleId) === 0n ? direct : rounds;
        into.set(String(r.status), (into.get(String(r.status)) ?? 0) + Number(r.n));
      }
      state.tasks = { direct, rounds };
    }),
    follow(sql`select * from schedule order by id`, (rows) => {
      state.schedules = rows.map((r) => {
        const template = (typeof r.template === "string" ? JSON.parse(r.template) : r.template) as { deadline?: string } | null;
        return { id: big(r.id), count: Number(r.count), spawned: Number(r.spawned), cancelled: r.cancelled === true, firstAt: big(r.firstAt), interval: big(r.interval), windowS: big(template?.deadline) };
      });
    }),
    follow(sql`select kind, count(*) as n from message group by kind`, (rows) => {
      const count = (kind: string) => Number(rows.find((r) => r.kind === kind)?.n ?? 0);
      state.messages = { channel: count("channel"), direct: count("direct") };
    }),
    follow(sql`select * from activity where event not in ('Heartbeat', 'Credited') order by block_number desc, log_index desc limit 12`, (rows) => {
      state.recent = rows.map(toActivity);
    }),
    follow(sql`select * from activity where event in (${notable}) order by block_number desc, log_index desc limit 60`, (rows) => {
      const fresh = rows.map(toActivity).filter((r) => !seen.has(r.id)).sort(byChainOrder);
      for (const row of fresh) {
        seen.add(row.id);
        handlers.onNotable(row);
      }
    }),
  ];
  return { state, stop: () => stops.forEach((stop) => stop()) };
}

// ---------------------------------------------------------------- what the state says

const sum = (m: Map<string, number>, pick: (status: string) => boolean = () => true) => [...m].reduce((s, [status, n]) => s + (pick(status) ? n : 0), 0);

export const postedTasks = (s: SwarmState) => sum(s.tasks.direct);
export const acceptedTasks = (s: SwarmState) => s.tasks.direct.get("accepted") ?? 0;
export const unfinishedTasks = (s: SwarmState) => sum(s.tasks.direct, (st) => !FINAL.has(st)) + sum(s.tasks.rounds, (st) => !FINAL.has(st));
export const failovers = (s: SwarmState) => s.terms.filter((t) => t.failedOverBy !== null);

/** A schedule is done when every round was spawned, it was cancelled, or its last round's window closed. */
export const scheduleDone = (r: ScheduleRow, nowS: bigint) =>
  r.cancelled || r.spawned >= r.count || nowS >= r.firstAt + r.interval * BigInt(r.count - 1) + r.windowS;
