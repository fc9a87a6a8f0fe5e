/**
 * Stake-weighted leader election: groups, membership, elections, heartbeats and failover, plus
 * `onLeaderChange` and `runHeartbeat`.
 *
 * On chain a draw takes two transactions: one requests it (bound to the randomness of its own
 * block), a later one settles it. `elect` and `failover` here send both and return once the leader
 * is known. Any call that may settle a pending draw (elect, failover, heartbeat, join, leave, a
 * stake change) is sent with {@link DRAW_SETTLEMENT_GAS} above its estimate, because many nodes
 * estimate on the latest block, where the draw's randomness may not exist yet.
 */
import { sql } from "@ponder/client";
import { type Context, actingAgent, eventOf, eventsOf, read, write, type Written } from "../client/context.js";
import { DrawTimeoutError } from "../errors/input.js";
import { AlreadyElectedError } from "../generated/errors.js";
import { type Row, sqlInt } from "../indexer/client.js";
import { GROUP_ROW, type Leadership, leadershipOfRow, toLeadership } from "../indexer/rows.js";
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

/**
 * Gas a call may need above its estimate when it settles a pending draw: the draw itself at any
 * group size (a 4-ary tree of up to 2^32 members) with a few leaders excluded. Unused gas is not
 * charged.
 */
export const DRAW_SETTLEMENT_GAS = 150_000n;

export type ElectReturnType = Written & {
  /** The leader drawn (0 when no member could be drawn). */
  leader: bigint;
  term: bigint;
  epoch: bigint;
};

export type FailoverReturnType = Written & {
  /** The leader failed over (0 when this call found a draw to settle instead). */
  failed: bigint;
  /** The leader drawn in its place (0 when nobody is left to draw this epoch). */
  leader: bigint;
  term: bigint;
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
    const [drawBlock, drawEpoch, drawTerm] = await read(ctx, "LeaderElection", "pendingDraw", [id]);
    return {
      groupId: id,
      leader: agentId,
      term,
      epoch,
      lastHeartbeat,
      heartbeatDeadline: agentId === 0n ? null : lastHeartbeat + params.heartbeatTimeout,
      pendingDraw: drawBlock === 0n ? null : { drawBlock, epoch: drawEpoch, term: drawTerm },
    };
  }

  /** One `elect` call: requests the epoch's draw, or settles the pending one once it can. */
  const advance = (id: bigint) => write(ctx, "LeaderElection", "elect", [id], { headroom: DRAW_SETTLEMENT_GAS });

  /** The seated leader, read from the chain (after someone else settled the draw). */
  async function seated(id: bigint): Promise<{ leader: bigint; term: bigint; epoch: bigint }> {
    const [leader, term, epoch] = await read(ctx, "LeaderElection", "currentLeader", [id]);
    return { leader, term, epoch };
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
    join: (groupId: bigint | number, agentId?: bigint) =>
      write(ctx, "LeaderElection", "join", [gid(groupId), actingAgent(ctx, agentId)], { headroom: DRAW_SETTLEMENT_GAS }),
    leave: (groupId: bigint | number, agentId?: bigint) =>
      write(ctx, "LeaderElection", "leave", [gid(groupId), actingAgent(ctx, agentId)], { headroom: DRAW_SETTLEMENT_GAS }),
    /**
     * Draws the epoch's leader, stake-weighted, and returns it (anyone may call, once per epoch).
     * Sends the draw's request and then its settlement (or only the settlement, when someone
     * else requested it); with a randomness source, waits up to `timeoutMs` for its value.
     *
     * @example
     * const { leader, term } = await agent.election.elect(groupId);
     */
    async elect(groupId: bigint | number, options: { timeoutMs?: number } = {}): Promise<ElectReturnType> {
      const id = gid(groupId);
      const started = Date.now();
      const timeoutMs = options.timeoutMs ?? 120_000;
      let written = await advance(id);
      for (;;) {
        const [elected] = eventsOf(ctx, written.receipt, "LeaderElection", "LeaderElected");
        if (elected) return { ...written, leader: elected.args.agentId, term: elected.args.term, epoch: elected.args.epoch };
        // Requested (or pending): settle it once its randomness exists. Without a source that is
        // the request's own block, so the next transaction settles it.
        const [drawBlock, , , revealedAt] = await read(ctx, "LeaderElection", "pendingDraw", [id]);
        if (drawBlock === 0n) return { ...written, ...(await seated(id)) }; // someone else settled it
        if (revealedAt === 0n) {
          if (Date.now() - started > timeoutMs) throw new DrawTimeoutError(id, timeoutMs);
          await new Promise((resolve) => setTimeout(resolve, ctx.publicClient.pollingInterval));
          continue;
        }
        try {
          written = await advance(id);
        } catch (error) {
          // Settled by someone else between our read and our call.
          if (error instanceof AlreadyElectedError) return { ...written, ...(await seated(id)) };
          throw error;
        }
      }
    },
    /**
     * Replaces a leader whose heartbeat timed out (anyone): slashes it, and draws a new one among
     * the members not failed over this epoch (the redraw is requested and then settled; this
     * returns once the new leader is known).
     */
    async failover(groupId: bigint | number, options: { timeoutMs?: number } = {}): Promise<FailoverReturnType> {
      const id = gid(groupId);
      const written = await write(ctx, "LeaderElection", "failover", [id], { headroom: DRAW_SETTLEMENT_GAS });
      const [failedOver] = eventsOf(ctx, written.receipt, "LeaderElection", "LeaderFailedOver");
      const [elected] = eventsOf(ctx, written.receipt, "LeaderElection", "LeaderElected");
      if (elected) return { ...written, failed: 0n, leader: elected.args.agentId, term: elected.args.term };
      const drawn = await api.elect(id, options).catch(async (error: unknown) => {
        // Settled by someone else before our settlement was sent.
        if (error instanceof AlreadyElectedError) return seated(id);
        throw error;
      });
      return { ...written, failed: failedOver?.args.agentId ?? 0n, leader: drawn.leader, term: drawn.term };
    },
    /** Proves the leader is alive (and settles a pending draw on the way). */
    heartbeat: (groupId: bigint | number, agentId?: bigint) =>
      write(ctx, "LeaderElection", "heartbeat", [gid(groupId), actingAgent(ctx, agentId)], { headroom: DRAW_SETTLEMENT_GAS }),
    /** The group's pending draw: `null`, or its request block, epoch, term and the block whose hash it mixes in (0 until revealed). */
    async pendingDraw(groupId: bigint | number) {
      const [drawBlock, epoch, term, revealedAt] = await read(ctx, "LeaderElection", "pendingDraw", [gid(groupId)]);
      return drawBlock === 0n ? null : { drawBlock, epoch, term, revealedAt };
    },
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
      if (ctx.indexer) return ctx.indexer.live(sql`select ${GROUP_ROW} from "group" where id = ${sqlInt(id)}`, ([row]) => deliver(row && leadershipOfRow(row)), onError);
      const refresh = () => void leader(id).then(deliver, (e: Error) => onError?.(e));
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
