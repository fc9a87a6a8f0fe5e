/**
 * Shared time: recurring tasks whose rounds fall due on schedule. The first eligible agent to call
 * `claim` for a due round spawns and takes it in one transaction; `onDue` wakes agents when a round
 * falls due, with no keeper.
 */
import { sql } from "@ponder/client";
import { zeroAddress } from "viem";
import { type Context, actingAgent, addressOf, eventOf, read, write, type Written } from "../client/context.js";
import { abis, chainClock } from "@stigmergy/contracts";
import { ContractRevertError } from "../errors/contract.js";
import { InvalidInputError } from "../errors/input.js";
import { type Row, sqlInt } from "../indexer/client.js";
import { type RoundTerms, type Schedule, toRoundTerms, toSchedule } from "../indexer/rows.js";
import * as v from "../validate.js";
import { type Claim, ensureAllowance, type PostTaskParameters, taskSpec } from "./tasks.js";
import { chainNow, guarded, timerMs, watchEvents } from "./watch.js";

export type CreateScheduleParameters = {
  /** The task each round posts; its `deadline` is the claim window in seconds after the due time. */
  template: Omit<PostTaskParameters, "notBefore">;
  /** Unix time round 0 falls due. */
  firstAt: bigint | number;
  /** Seconds between rounds. */
  interval: bigint | number;
  /** Number of rounds. */
  count: number;
};

/** A round that fell due and has not been spawned. */
export type DueRound = { scheduleId: bigint; round: number; dueAt: bigint };

export function schedulesModule(ctx: Context) {
  /** A round's terms: from the indexer's template, else from the schedule's ScheduleCreated log. */
  async function termsOf(id: bigint): Promise<RoundTerms | undefined> {
    if (ctx.indexer) {
      const [row] = await ctx.indexer.query(sql`select template from schedule where id = ${sqlInt(id)}`);
      if (row) return toRoundTerms(typeof row.template === "string" ? JSON.parse(row.template) : row.template);
    }
    const [log] = await ctx.publicClient.getContractEvents({
      address: addressOf(ctx, "TaskBoard"),
      abi: abis.TaskBoard,
      eventName: "ScheduleCreated",
      args: { scheduleId: id },
      fromBlock: BigInt(ctx.deployment.startBlock),
    });
    return log ? toRoundTerms(log.args.template) : undefined;
  }

  async function get(scheduleId: bigint): Promise<Schedule | null> {
    const id = v.id("scheduleId", scheduleId);
    const s = await read(ctx, "TaskBoard", "getSchedule", [id]).catch((error: unknown) => {
      if (error instanceof ContractRevertError && error.errorName === "ScheduleNotFound") return null;
      throw error;
    });
    if (!s || s.count === 0) return null;
    return { id, poster: s.poster, firstAt: s.firstAt, interval: s.interval, count: s.count, spawned: s.spawned, cancelled: s.cancelled, terms: await termsOf(id) };
  }

  const api = {
    /** Creates a schedule, escrowing `count × maxReward`. */
    async create(p: CreateScheduleParameters): Promise<Written & { scheduleId: bigint }> {
      const spec = await taskSpec(ctx, p.template, true);
      const count = Number(v.uint("count", p.count, { bits: 32, min: 1n }));
      const now = await chainNow(ctx);
      const firstAt = v.uint("firstAt", p.firstAt, { bits: 64 });
      if (firstAt + BigInt(spec.deadline) <= now) throw new InvalidInputError("firstAt", `round 0's claim window would already be over (chain time ${now})`, p.firstAt);
      const escrow = spec.maxReward * BigInt(count);
      await ensureAllowance(ctx, spec.rewardToken, escrow);
      const written = await write(ctx, "TaskBoard", "createSchedule", [spec, firstAt, v.uint("interval", p.interval, { bits: 64 }), count], {
        value: spec.rewardToken === zeroAddress ? escrow : 0n,
      });
      return { ...written, scheduleId: eventOf(ctx, written.receipt, "TaskBoard", "ScheduleCreated").scheduleId };
    },
    /** Spawns due round `round` of a schedule and claims its task for the agent. */
    async claim(scheduleId: bigint, round: number, options: { agentId?: bigint } = {}): Promise<Claim> {
      const id = v.id("scheduleId", scheduleId);
      const agentId = actingAgent(ctx, options.agentId);
      // Claiming a round posts its bond like any claim.
      const terms = await termsOf(id);
      if (terms) await ensureAllowance(ctx, terms.rewardToken, terms.claimBond);
      const value = terms && terms.rewardToken === zeroAddress ? terms.claimBond : 0n;
      const written = await write(ctx, "TaskBoard", "claimScheduled", [id, Number(v.uint("round", round, { bits: 32 })), agentId], { value });
      const e = eventOf(ctx, written.receipt, "TaskBoard", "TaskClaimed");
      return { ...written, taskId: e.taskId, agentId, attempt: e.attempt, leaseExpiry: e.leaseExpiry, lockedReward: e.lockedReward };
    },
    /** Cancels the rounds not yet spawned (the poster): their escrow comes back as credit. */
    cancel: (scheduleId: bigint) => write(ctx, "TaskBoard", "cancelSchedule", [v.id("scheduleId", scheduleId)]),
    get,
    /** Schedules, newest first (indexer; without one, from the chain). */
    async list(options: { active?: boolean; limit?: number } = {}): Promise<Schedule[]> {
      const limit = options.limit ?? 50;
      if (ctx.indexer) {
        const where = options.active ? sql`where not cancelled and spawned < count` : sql``;
        return (await ctx.indexer.query(sql`select * from schedule ${where} order by id desc limit ${limit}`)).map(toSchedule);
      }
      const out: Schedule[] = [];
      for (let id = await read(ctx, "TaskBoard", "scheduleCount", []); id >= 1n && out.length < limit; id--) {
        const s = await get(id);
        if (s && (!options.active || (!s.cancelled && s.spawned < s.count))) out.push(s);
      }
      return out;
    },

    /**
     * Calls `onDue` once for each round that falls due and is not yet spawned, at its due time
     * (chain time), for every active schedule. Schedules come from the indexer (pushed) or, without
     * one, from TaskBoard events. Returns the unsubscribe function.
     */
    onDue(onDue: (round: DueRound) => void, onError?: (error: Error) => void): () => void {
      let schedules: Schedule[] = [];
      let spawned = new Set<string>();
      const delivered = new Set<string>();
      const clock = chainClock(); // the chain's time, learned from its latest block at each refresh
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const notify = guarded(onDue, onError);
      const evaluate = () => {
        if (stopped) return;
        if (timer) clearTimeout(timer);
        timer = undefined;
        const now = clock.now();
        let wake: bigint | undefined;
        for (const s of schedules) {
          if (s.cancelled) continue;
          for (let r = 0; r < s.count; r++) {
            const dueAt = s.firstAt + BigInt(r) * s.interval;
            const key = `${s.id}/${r}`;
            if (dueAt > now) {
              wake = wake === undefined || dueAt < wake ? dueAt : wake;
              break;
            }
            const closed = s.terms !== undefined && dueAt + s.terms.window <= now; // its claim window is over
            if (!spawned.has(key) && !delivered.has(key) && !closed) delivered.add(key), notify({ scheduleId: s.id, round: r, dueAt });
          }
        }
        if (wake !== undefined) timer = setTimeout(evaluate, timerMs(clock.wallAt(Number(wake) * 1000) - Date.now() + 50));
      };
      const refresh = async () => {
        const latest = await ctx.publicClient.getBlock({ blockTag: "latest" });
        clock.observe({ number: latest.number, timestamp: latest.timestamp }, Date.now());
        if (ctx.indexer) {
          const rows = await ctx.indexer.query(sql`select schedule_id, round from schedule_round`);
          spawned = new Set(rows.map((r: Row) => `${r.scheduleId}/${r.round}`));
        } else {
          schedules = await api.list({ active: true, limit: 500 });
          spawned = new Set();
          for (const s of schedules) for (let r = 0; r < s.count; r++) if ((await read(ctx, "TaskBoard", "roundTask", [s.id, r])) !== 0n) spawned.add(`${s.id}/${r}`);
        }
        evaluate();
      };
      const fail = (e: unknown) => onError?.(e instanceof Error ? e : new Error(String(e)));
      let unsubscribe: () => void;
      if (ctx.indexer) {
        unsubscribe = ctx.indexer.live(sql`select * from schedule where not cancelled and spawned < count order by id`, (rows) => {
          schedules = rows.map(toSchedule);
          void refresh().catch(fail);
        }, onError);
      } else {
        void refresh().catch(fail);
        unsubscribe = watchEvents(ctx, "TaskBoard", (logs) => {
          if (logs.some((l) => l.eventName === "ScheduleCreated" || l.eventName === "ScheduleCancelled" || (l.eventName === "TaskPosted" && (l.args as { scheduleId?: bigint }).scheduleId))) void refresh().catch(fail);
        }, onError);
      }
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        unsubscribe();
      };
    },
  };
  return api;
}

export type SchedulesModule = ReturnType<typeof schedulesModule>;
