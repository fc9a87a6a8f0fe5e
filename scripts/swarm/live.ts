/**
 * The swarm on one chain as the indexer sees it, kept current by live queries (pushed over SSE
 * whenever the indexed tables change; nothing here polls the node): agents and their stake, the
 * group's leader and terms, tasks by state, schedules, messages and recent activity. Every query
 * reads that chain's rows only (the indexer may follow several). The view draws it; the
 * orchestrator reads from it when to kill the leader and when the run is over.
 */
import { and, asc, count, desc, eq, inArray, notInArray } from "@ponder/client";
import type { Address, Hex } from "viem";
import * as schema from "../../indexer/ponder.schema.ts";
import type { IndexerClient, IndexerQuery } from "../../sdk/src/index.ts";
import { indexerClient } from "../lib/oracle.ts";

/** The typed query builder of @ponder/client over the indexer's schema. */
type Db = ReturnType<typeof indexerClient>["db"];

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

export type GroupState = {
  leader: bigint;
  term: bigint;
  epoch: bigint;
  lastHeartbeat: bigint;
  heartbeatTimeout: bigint;
  memberCount: number;
};
export type TermRow = { term: bigint; agentId: bigint; failedOverBy: Address | null; heartbeats: number };
export type ScheduleRow = {
  id: bigint;
  count: number;
  spawned: number;
  cancelled: boolean;
  firstAt: bigint;
  interval: bigint;
  windowS: bigint;
};

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

const toActivity = (r: typeof schema.activity.$inferSelect): ActivityRow => ({
  id: r.id,
  contract: r.contract,
  event: r.event,
  agentId: r.agentId,
  taskId: r.taskId,
  args: (typeof r.args === "string" ? JSON.parse(r.args) : (r.args ?? {})) as Record<string, string>,
  blockNumber: r.blockNumber,
  logIndex: r.logIndex,
});

const byChainOrder = (a: ActivityRow, b: ActivityRow) =>
  a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1;

export type SwarmFeed = { state: SwarmState; stop: () => void };

/**
 * Runs `query` (a typed @ponder/client query against indexer/ponder.schema.ts) now and after every
 * indexed change to its result, and hands `apply` the rows. The indexer's live query is the signal;
 * the read is the typed query. Reads do not overlap: a burst of changes costs one more read.
 * Returns the unsubscribe function.
 */
function followQuery<T>(
  indexer: IndexerClient,
  db: Db,
  query: (db: Db) => PromiseLike<T> & IndexerQuery,
  apply: (rows: T) => void,
  onError: (error: Error) => void,
): () => void {
  let reading = false;
  let again = false;
  const read = (): void => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    Promise.resolve(query(db))
      .then(apply, onError)
      .finally(() => {
        reading = false;
        if (again) {
          again = false;
          read();
        }
      });
  };
  return indexer.onChange(query(db), read, onError);
}

const { activity, agent, group, message, schedule, stake, task, term } = schema;
const newestFirst = [desc(activity.blockNumber), desc(activity.logIndex)] as const;

/**
 * Subscribes to the swarm's tables on chain `chainId`. `onChange` runs after every push,
 * `onNotable` once per notable event in chain order.
 */
export function followSwarm(
  indexer: IndexerClient,
  chainId: number,
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
  const { db } = indexerClient(indexer.url);
  const follow = <T>(query: (db: Db) => PromiseLike<T> & IndexerQuery, apply: (rows: T) => void) =>
    followQuery(
      indexer,
      db,
      query,
      (rows) => {
        apply(rows);
        handlers.onChange();
      },
      handlers.onError,
    );

  const stops = [
    follow(
      (db) =>
        db
          .select({ id: agent.id, capabilities: agent.capabilities })
          .from(agent)
          .where(eq(agent.chainId, chainId))
          .orderBy(asc(agent.id)),
      (rows) => {
        state.agents = new Map(rows.map((r) => [r.id, { capabilities: r.capabilities as Hex[] }]));
      },
    ),
    follow(
      (db) =>
        db
          .select({ agentId: stake.agentId, active: stake.active, slashed: stake.slashed })
          .from(stake)
          .where(eq(stake.chainId, chainId)),
      (rows) => {
        state.stakes = new Map(rows.map((r) => [r.agentId, { active: r.active, slashed: r.slashed }]));
      },
    ),
    follow(
      (db) =>
        db
          .select()
          .from(group)
          .where(and(eq(group.chainId, chainId), eq(group.id, groupId))),
      ([r]) => {
        state.group = r && {
          leader: r.leader,
          term: r.term,
          epoch: r.epoch,
          lastHeartbeat: r.lastHeartbeat,
          heartbeatTimeout: r.heartbeatTimeout,
          memberCount: r.memberCount,
        };
      },
    ),
    follow(
      (db) =>
        db
          .select({
            term: term.term,
            agentId: term.agentId,
            failedOverBy: term.failedOverBy,
            heartbeats: term.heartbeats,
          })
          .from(term)
          .where(and(eq(term.chainId, chainId), eq(term.groupId, groupId)))
          .orderBy(asc(term.term)),
      (rows) => {
        state.terms = rows.map((r) => ({ ...r, failedOverBy: r.failedOverBy as Address | null }));
      },
    ),
    follow(
      (db) =>
        db
          .select({ status: task.status, scheduleId: task.scheduleId, n: count() })
          .from(task)
          .where(eq(task.chainId, chainId))
          .groupBy(task.status, task.scheduleId),
      (rows) => {
        const direct = new Map<string, number>();
        const rounds = new Map<string, number>();
        for (const r of rows) {
          const into = r.scheduleId === 0n ? direct : rounds;
          into.set(r.status, (into.get(r.status) ?? 0) + Number(r.n));
        }
        state.tasks = { direct, rounds };
      },
    ),
    follow(
      (db) => db.select().from(schedule).where(eq(schedule.chainId, chainId)).orderBy(asc(schedule.id)),
      (rows) => {
        state.schedules = rows.map((r) => {
          const template = (typeof r.template === "string" ? JSON.parse(r.template) : r.template) as {
            deadline?: string;
          } | null;
          return {
            id: r.id,
            count: r.count,
            spawned: r.spawned,
            cancelled: r.cancelled,
            firstAt: r.firstAt,
            interval: r.interval,
            windowS: BigInt(template?.deadline ?? 0),
          };
        });
      },
    ),
    follow(
      (db) =>
        db
          .select({ kind: message.kind, n: count() })
          .from(message)
          .where(eq(message.chainId, chainId))
          .groupBy(message.kind),
      (rows) => {
        const of = (kind: string) => Number(rows.find((r) => r.kind === kind)?.n ?? 0);
        state.messages = { channel: of("channel"), direct: of("direct") };
      },
    ),
    follow(
      (db) =>
        db
          .select()
          .from(activity)
          .where(and(eq(activity.chainId, chainId), notInArray(activity.event, ["Heartbeat", "Credited"])))
          .orderBy(...newestFirst)
          .limit(12),
      (rows) => {
        state.recent = rows.map(toActivity);
      },
    ),
    follow(
      (db) =>
        db
          .select()
          .from(activity)
          .where(and(eq(activity.chainId, chainId), inArray(activity.event, [...NOTABLE])))
          .orderBy(...newestFirst)
          .limit(60),
      (rows) => {
        const fresh = rows
          .map(toActivity)
          .filter((r) => !seen.has(r.id))
          .sort(byChainOrder);
        for (const row of fresh) {
          seen.add(row.id);
          handlers.onNotable(row);
        }
      },
    ),
  ];
  return {
    state,
    stop: () => {
      for (const stop of stops) stop();
    },
  };
}

// ---------------------------------------------------------------- what the state says

const sum = (m: Map<string, number>, pick: (status: string) => boolean = () => true) =>
  [...m].reduce((s, [status, n]) => s + (pick(status) ? n : 0), 0);

export const postedTasks = (s: SwarmState) => sum(s.tasks.direct);
export const acceptedTasks = (s: SwarmState) => s.tasks.direct.get("accepted") ?? 0;
export const unfinishedTasks = (s: SwarmState) =>
  sum(s.tasks.direct, (st) => !FINAL.has(st)) + sum(s.tasks.rounds, (st) => !FINAL.has(st));
export const failovers = (s: SwarmState) => s.terms.filter((t) => t.failedOverBy !== null);

/** A schedule is done when every round was spawned, it was cancelled, or its last round's window closed. */
export const scheduleDone = (r: ScheduleRow, nowS: bigint) =>
  r.cancelled || r.spawned >= r.count || nowS >= r.firstAt + r.interval * BigInt(r.count - 1) + r.windowS;
