/**
 * Stake-weighted leader election: groups, membership, elections, heartbeats and failover, plus
 * `onLeaderChange` and `runHeartbeat`.
 */
import { sql } from "@ponder/client";
import { type Context, actingAgent, eventOf, read, write, type Written } from "../client/context.js";
import { type Row, sqlInt } from "../indexer/client.js";
import { type Leadership, toLeadership } from "../indexer/rows.js";
import * as v from "../validate.js";
import { guarded, timerMs, watchEvents } from "./watch.js";

export type CreateGroupParameters = {
  /** A name (hashed to bytes32) or a bytes32. */
  name: string;
  /** Seconds a leader's term lasts before a new election may run. */
  epochDuration: bigint | number;
  /** Seconds without a heartbeat after which anyone may fail the leader over. */
  heartbeatTimeout: bigint | number;
  /** Stake a member needs (base units). */
  minStake?: bigint;
  /** Stake slashed from a leader that is failed over. */
  failoverSlash?: bigint;
};

export type HeartbeatHandle = {
  /** Stops heartbeating and watching. */
  stop: () => void;
};

export function electionModule(ctx: Context) {
  const gid = (groupId: bigint | number | string) => v.id("groupId", groupId);

  async function leader(groupId: bigint | number | string): Promise<Leadership> {
    const id = gid(groupId);
    if (ctx.indexer) {
      const body = await ctx.indexer.get<Row>(`/groups/${id}/leader`);
      if (body) return toLeadership(body);
    }
    const [agentId, term, epoch, lastHeartbeat] = await read(ctx, "LeaderElection", "currentLeader", [id]);
    const [params] = await read(ctx, "LeaderElection", "groupParams", [id]);
    return { groupId: id, leader: agentId, term, epoch, lastHeartbeat, heartbeatDeadline: agentId === 0n ? null : lastHeartbeat + params.heartbeatTimeout };
  }

  const api = {
    /** Creates a group (its creator has no special rights afterwards). */
    async createGroup(p: CreateGroupParameters): Promise<Written & { groupId: bigint }> {
      const params = {
        epochDuration: v.duration("epochDuration", p.epochDuration),
        heartbeatTimeout: v.duration("heartbeatTimeout", p.heartbeatTimeout),
        minStake: v.uint("minStake", p.minStake ?? 0n, { bits: 128 }),
        failoverSlash: v.uint("failoverSlash", p.failoverSlash ?? 0n, { bits: 128 }),
      };
      const written = await write(ctx, "LeaderElection", "createGroup", [v.name32("name", p.name), params]);
      return { ...written, groupId: eventOf(ctx, written.receipt, "LeaderElection", "GroupCreated").groupId };
    },
    /** Joins a group with the agent's stake as its weight. */
    join: (groupId: bigint | number, agentId?: bigint) => write(ctx, "LeaderElection", "join", [gid(groupId), actingAgent(ctx, agentId)]),
    leave: (groupId: bigint | number, agentId?: bigint) => write(ctx, "LeaderElection", "leave", [gid(groupId), actingAgent(ctx, agentId)]),
    /** Draws the epoch's leader, stake-weighted (anyone may call once per epoch). */
    async elect(groupId: bigint | number): Promise<Written & { leader: bigint; term: bigint; epoch: bigint }> {
      const written = await write(ctx, "LeaderElection", "elect", [gid(groupId)]);
      const e = eventOf(ctx, written.receipt, "LeaderElection", "LeaderElected");
      return { ...written, leader: e.agentId, term: e.term, epoch: e.epoch };
    },
    /** Replaces a leader whose heartbeat timed out (anyone): slashes it and draws a new one. */
    async failover(groupId: bigint | number): Promise<Written & { failed: bigint; leader: bigint; term: bigint }> {
      const written = await write(ctx, "LeaderElection", "failover", [gid(groupId)]);
      const failed = eventOf(ctx, written.receipt, "LeaderElection", "LeaderFailedOver").agentId;
      const e = eventOf(ctx, written.receipt, "LeaderElection", "LeaderElected");
      return { ...written, failed, leader: e.agentId, term: e.term };
    },
    /** Proves the leader is alive. */
    heartbeat: (groupId: bigint | number, agentId?: bigint) => write(ctx, "LeaderElection", "heartbeat", [gid(groupId), actingAgent(ctx, agentId)]),
    /** The current leader, term, epoch and heartbeat deadline. */
    leader,
    isMember: (groupId: bigint | number, agentId?: bigint) => read(ctx, "LeaderElection", "isMember", [gid(groupId), actingAgent(ctx, agentId)]),
    groupsOf: (agentId?: bigint) => read(ctx, "LeaderElection", "groupsOf", [actingAgent(ctx, agentId)]),

    /**
     * Calls `onChange` with the group's leadership now and whenever the leader or term changes.
     * Pushed by the indexer; without one, follows LeaderElection events. Returns the unsubscribe function.
     */
    onLeaderChange(groupId: bigint | number, onChange: (leadership: Leadership) => void, onError?: (error: Error) => void): () => void {
      const id = gid(groupId);
      let last = "";
      const deliver = guarded((l: Leadership | undefined) => {
        if (!l) return;
        const key = `${l.leader}/${l.term}`;
        if (key !== last) (last = key), onChange(l);
      }, onError);
      const refresh = () => void leader(id).then(deliver, (e: Error) => onError?.(e));
      if (ctx.indexer) return ctx.indexer.onChange(sql`select leader, term from "group" where id = ${sqlInt(id)}`, refresh, onError);
      refresh();
      return watchEvents(ctx, "LeaderElection", (logs) => {
        if (logs.some((l) => (l.args as { groupId?: bigint }).groupId === id)) refresh();
      }, onError);
    },

    /**
     * Keeps the agent's leadership alive: while it leads `groupId` it heartbeats every
     * `heartbeatTimeout / 3` seconds (or `intervalMs`); when it is not (or stops being) the leader it
     * sends nothing. `onBeat` and `onError` report each heartbeat and failure.
     */
    runHeartbeat(
      groupId: bigint | number,
      agentId?: bigint,
      options: { intervalMs?: number; onBeat?: (w: Written) => void; onError?: (error: unknown) => void } = {},
    ): HeartbeatHandle {
      const id = gid(groupId);
      const me = actingAgent(ctx, agentId);
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      let leading = false; // the latest news: whether this agent leads
      const report = (e: unknown) => options.onError?.(e);
      const beat = () => api.heartbeat(id, me).then((w) => options.onBeat?.(w), report);
      const start = async () => {
        const interval = options.intervalMs ?? Number((await read(ctx, "LeaderElection", "groupParams", [id]))[0].heartbeatTimeout) * 333;
        // Leadership may have been lost (or the handle stopped) while the interval was read.
        if (timer || stopped || !leading) return;
        timer = setInterval(beat, timerMs(Math.max(250, interval)));
        void beat();
      };
      const halt = () => {
        if (timer) clearInterval(timer);
        timer = undefined;
      };
      const unsubscribe = api.onLeaderChange(
        id,
        (l) => {
          leading = l.leader === me;
          if (leading) start().catch(report);
          else halt();
        },
        options.onError,
      );
      return {
        stop: () => {
          stopped = true;
          halt();
          unsubscribe();
        },
      };
    },
  };
  return api;
}

export type ElectionModule = ReturnType<typeof electionModule>;
