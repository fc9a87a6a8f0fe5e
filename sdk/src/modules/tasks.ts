/**
 * Work claims: post tasks with escrow, claim them atomically, renew leases, submit, review, hand
 * off, escalate to a human; plus the helpers agents run (`claimNext`, `work`) and watchers.
 */
import { sql } from "@ponder/client";
import { type Address, erc20Abi, type Hex, keccak256, stringToHex, zeroAddress, zeroHash } from "viem";
import { type Context, actingAgent, addressOf, eventOf, read, requireWallet, send, write, type Written } from "../client/context.js";
import { ContractRevertError } from "../errors/contract.js";
import { InvalidInputError } from "../errors/input.js";
import { type Row, sqlInt } from "../indexer/client.js";
import { type Task, TASK_ROW, TASK_STATUSES, type TaskStatus, toTask } from "../indexer/rows.js";
import * as v from "../validate.js";
import { claimOrder } from "./spread.js";
import { chainNow, guarded, timerMs, watchEvents } from "./watch.js";

/** What a poster specifies; everything but `specURI` has a default. */
export type PostTaskParameters = {
  /** Capability name or bytes32 id the claimant must have (default: any agent). */
  capability?: string;
  specURI: string;
  /** keccak256 of the description (default: keccak256 of `specURI`). */
  specHash?: Hex;
  /** ERC-20 paying the reward and bonds (default: ETH). */
  rewardToken?: Address;
  /** Reward payable at posting (default: `maxReward`). */
  reward?: bigint;
  /** Reward at the deadline, escrowed in full. */
  maxReward: bigint;
  claimBond?: bigint;
  minStake?: bigint;
  abandonSlash?: bigint;
  /** Seconds a claim or renewal lasts (default 300). */
  leaseDuration?: bigint | number;
  /** Earliest claim time, unix seconds (default: now). */
  notBefore?: bigint | number;
  /** Claims close at this unix time (default: one day from now, chain time). */
  deadline?: bigint | number;
  /** Seconds the poster has to review a submission (default 3600). */
  reviewWindow?: bigint | number;
  /** Who answers escalations (default: the poster). */
  approver?: Address;
};

export type TaskFilter = {
  /** Only tasks needing one of these capabilities (names or ids), or none; default: the agent's own. */
  capabilities?: string[];
  /** Only tasks from this poster. */
  poster?: Address;
};

/** What `claimNext` (and `work`) looks for, and how hard it tries. */
export type ClaimNextFilter = TaskFilter & {
  /** Candidates tried before giving up (default 8). */
  maxAttempts?: number;
  agentId?: bigint;
  gas?: bigint;
  /** Called for each race lost; `onChain` is true when the losing claim was mined (and paid gas). */
  onLostRace?: (taskId: bigint, onChain: boolean) => void;
};

/** A claim that landed. */
export type Claim = Written & { taskId: bigint; agentId: bigint; attempt: number; leaseExpiry: bigint; lockedReward: bigint };

export type WorkHandler = (job: { task: Task; claim: Claim; signal: AbortSignal }) => Promise<{ resultURI: string; resultHash?: Hex }>;

/** How long claimNext trusts its view of capabilities and competitors. */
const CACHE_MS = 10_000;

const RACE_ERRORS = new Set(["TaskNotOpen", "WrongStatus", "StaleAttempt"]);

/** Errors that make claimNext move on to another task: races, and tasks this agent cannot take (yet). */
const SKIP_ERRORS = new Set([...RACE_ERRORS, "TaskPastDeadline", "TaskNotYetClaimable", "StakeTooLow", "MissingCapability"]);

/** Tasks a client remembers having seen taken (oldest forgotten first). */
const TAKEN_MAX = 4_096;

/** Whether an error means "someone else got there first" (retry elsewhere), not "you cannot". */
export const lostRace = (error: unknown): boolean => error instanceof ContractRevertError && RACE_ERRORS.has(error.errorName);

/** The spec tuple the contract takes, validated, with defaults filled in. */
export async function taskSpec(ctx: Context, p: PostTaskParameters, forSchedule = false) {
  const now = await chainNow(ctx);
  const maxReward = v.amount("maxReward", p.maxReward);
  const reward = p.reward === undefined ? maxReward : v.amount("reward", p.reward);
  if (reward > maxReward) throw new InvalidInputError("reward", `must not exceed maxReward (${maxReward})`, p.reward);
  const specURI = v.uri("specURI", p.specURI);
  return {
    capability: p.capability === undefined ? zeroHash : v.capability("capability", p.capability),
    specURI,
    specHash: p.specHash === undefined ? keccak256(stringToHex(specURI)) : v.bytes32("specHash", p.specHash),
    rewardToken: p.rewardToken === undefined ? zeroAddress : v.address("rewardToken", p.rewardToken),
    reward,
    maxReward,
    claimBond: v.amount("claimBond", p.claimBond ?? 0n),
    minStake: v.amount("minStake", p.minStake ?? 0n),
    abandonSlash: v.amount("abandonSlash", p.abandonSlash ?? 0n),
    leaseDuration: v.duration("leaseDuration", p.leaseDuration ?? 300n),
    notBefore: forSchedule ? 0n : v.uint("notBefore", p.notBefore ?? 0n, { bits: 64 }),
    deadline: forSchedule ? v.duration("deadline", p.deadline ?? 3600n) : p.deadline === undefined ? now + 86_400n : v.futureTime("deadline", p.deadline, now),
    reviewWindow: v.duration("reviewWindow", p.reviewWindow ?? 3600n, 0n),
    approver: p.approver === undefined ? zeroAddress : v.address("approver", p.approver),
  } as const;
}

/** Approves TaskBoard for `amount` of `token` if the allowance is short (ERC-20 rewards and bonds). */
export async function ensureAllowance(ctx: Context, token: Address, amount: bigint) {
  if (token === zeroAddress || amount === 0n) return;
  const owner = requireWallet(ctx).account.address;
  const board = addressOf(ctx, "TaskBoard");
  const allowance = await ctx.publicClient.readContract({ address: token, abi: erc20Abi, functionName: "allowance", args: [owner, board] });
  if (allowance >= amount) return;
  await send(ctx, { address: token, abi: erc20Abi, functionName: "approve", args: [board, amount] }, { contractName: "ERC20", functionName: "approve" });
}

export function tasksModule(ctx: Context) {
  // Tasks this client claimed or lost a race for, with the attempt that claim started. The indexer
  // may list such a task as open for another block, still at an older attempt: skip it until it
  // is listed open at that attempt or later (it reopened: rejected, reclaimed), then take it again.
  const taken = new Map<bigint, number>();
  const remember = (task: Task) => {
    taken.delete(task.id);
    taken.set(task.id, task.attempt + 1);
    if (taken.size > TAKEN_MAX) taken.delete(taken.keys().next().value!);
  };
  const staleListing = (task: Task) => {
    const claimedAt = taken.get(task.id);
    if (claimedAt === undefined) return false;
    if (task.attempt < claimedAt) return true;
    taken.delete(task.id);
    return false;
  };
  /** A task by id: from the indexer when there is one, else from the chain (without its spec URI). */
  async function get(taskId: bigint | number | string): Promise<Task | null> {
    const id = v.id("taskId", taskId);
    if (ctx.indexer) {
      const body = await ctx.indexer.get<{ task: Row }>(`/tasks/${id}`);
      return body ? toTask(body.task) : null;
    }
    const t = await read(ctx, "TaskBoard", "getTask", [id]).catch((error: unknown) => {
      if (error instanceof ContractRevertError && error.errorName === "TaskNotFound") return null;
      throw error;
    });
    if (!t || t.status === 0) return null;
    const status = TASK_STATUSES[t.status] ?? "none";
    return {
      id, status, poster: t.poster, capability: t.capability, specURI: "", specHash: zeroHash, rewardToken: t.rewardToken,
      reward: t.reward, maxReward: t.maxReward, claimBond: t.claimBond, minStake: t.minStake, abandonSlash: t.abandonSlash,
      leaseDuration: t.leaseDuration, notBefore: t.notBefore, deadline: t.deadline, reviewWindow: t.reviewWindow,
      approver: t.approver, postedAt: t.postedAt, scheduleId: 0n, round: 0, claimant: t.claimant, attempt: t.attempt,
      leaseExpiry: status === "claimed" ? t.timer : 0n, lockedReward: t.lockedReward, resultURI: null, resultHash: null,
      reviewDeadline: status === "submitted" ? t.timer : null, pendingHandoff: await read(ctx, "TaskBoard", "pendingHandoff", [id]), updatedAt: 0n,
    };
  }

  /** Tasks by status and filter, oldest first (indexer). Without an indexer, scans the newest `limit` tasks on chain. */
  async function list(filter: TaskFilter & { status?: TaskStatus; claimant?: bigint; limit?: number } = {}): Promise<Task[]> {
    const limit = filter.limit ?? 100;
    if (ctx.indexer) {
      const caps = filter.capabilities?.map((c, i) => v.capability(`capabilities[${i}]`, c));
      const body = await ctx.indexer.get<{ tasks: Row[] }>("/tasks", {
        status: filter.status,
        capability: caps ? [zeroHash, ...caps].join(",") : undefined,
        poster: filter.poster === undefined ? undefined : v.address("poster", filter.poster).toLowerCase(),
        claimant: filter.claimant,
        limit: Math.min(limit, 500),
      });
      return (body?.tasks ?? []).map(toTask);
    }
    const caps = filter.capabilities?.map((c, i) => v.capability(`capabilities[${i}]`, c));
    const poster = filter.poster === undefined ? undefined : v.address("poster", filter.poster);
    const matches = (t: Task) =>
      (!filter.status || t.status === filter.status) &&
      (!caps || t.capability === zeroHash || caps.includes(t.capability)) &&
      (!poster || t.poster.toLowerCase() === poster.toLowerCase()) &&
      (filter.claimant === undefined || t.claimant === filter.claimant);
    const count = await read(ctx, "TaskBoard", "taskCount", []);
    const out: Task[] = [];
    for (let id = count; id >= 1n && out.length < limit; id--) {
      const t = await get(id);
      if (t && matches(t)) out.push(t);
    }
    return out.reverse();
  }

  /** The capabilities a filter means: the given ones, else the agent's own declared ones. */
  // Who declares what changes rarely: claimNext reuses these for CACHE_MS instead of asking every call.
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value as Promise<T>;
    const value = load();
    cache.set(key, { at: Date.now(), value });
    value.catch(() => cache.delete(key));
    return value;
  };

  /** The capabilities a filter means: the given ones, else the agent's own declared ones. */
  function capabilitiesFor(filter: TaskFilter, agentId: bigint): Promise<Hex[]> {
    if (filter.capabilities) return Promise.resolve(filter.capabilities.map((c, i) => v.capability(`capabilities[${i}]`, c)));
    return cached(`caps/${agentId}`, async () => [...(await read(ctx, "IdentityRegistry", "capabilitiesOf", [agentId]))]);
  }

  /** Other agents that could want the same tasks (for spreading): those declaring any of `caps`. */
  function competitors(caps: Hex[]): Promise<bigint[]> {
    const indexer = ctx.indexer;
    if (!indexer) return Promise.resolve([]);
    return cached(`rivals/${caps.join(",")}`, async () => {
      const ids = new Set<bigint>();
      for (const capability of caps.length ? caps : [undefined]) {
        const body = await indexer.get<{ agents: Row[] }>("/agents", { capability, limit: 500 });
        for (const a of body?.agents ?? []) ids.add(BigInt(String(a.id)));
      }
      return [...ids];
    });
  }

  const api = {
    /** Posts a task, escrowing `maxReward` (ETH sent with the call, or an approved ERC-20). */
    async post(params: PostTaskParameters): Promise<Written & { taskId: bigint }> {
      const spec = await taskSpec(ctx, params);
      await ensureAllowance(ctx, spec.rewardToken, spec.maxReward);
      const written = await write(ctx, "TaskBoard", "postTask", [spec], { value: spec.rewardToken === zeroAddress ? spec.maxReward : 0n });
      return { ...written, taskId: eventOf(ctx, written.receipt, "TaskBoard", "TaskPosted").taskId };
    },

    /** Claims `taskId` for the agent, paying the task's bond. */
    async claim(
      taskId: bigint | number | string,
      options: { agentId?: bigint; gas?: bigint; /** The task's bond terms, when known (saves a read). */ bond?: { rewardToken: Address; claimBond: bigint } } = {},
    ): Promise<Claim> {
      const id = v.id("taskId", taskId);
      const agentId = actingAgent(ctx, options.agentId);
      const t = options.bond ?? (await read(ctx, "TaskBoard", "getTask", [id]));
      await ensureAllowance(ctx, t.rewardToken, t.claimBond);
      const value = t.rewardToken === zeroAddress ? t.claimBond : 0n;
      const written = await write(ctx, "TaskBoard", "claim", [id, agentId], { value, ...(options.gas ? { gas: options.gas } : {}) });
      const e = eventOf(ctx, written.receipt, "TaskBoard", "TaskClaimed");
      return { ...written, taskId: id, agentId, attempt: e.attempt, leaseExpiry: e.leaseExpiry, lockedReward: e.lockedReward };
    },

    /**
     * Claims an open task the agent is eligible for, choosing so that concurrent agents rarely
     * pick the same one (see `spread.ts`), and moving on to another when a race is lost.
     * Resolves `undefined` when nothing is left to claim.
     */
    async claimNext(filter: ClaimNextFilter = {}): Promise<Claim | undefined> {
      const agentId = actingAgent(ctx, filter.agentId);
      const caps = await capabilitiesFor(filter, agentId);
      const rivals = await competitors(caps);
      const skipped = new Set<bigint>();
      const now = await chainNow(ctx); // chain time: a local chain's runs ahead of the clock
      for (let attempt = 0; attempt < (filter.maxAttempts ?? 8); attempt++) {
        const open = (await list({ ...filter, capabilities: caps, status: "open", limit: 500 })).filter(
          (t) => !skipped.has(t.id) && !staleListing(t) && t.deadline > now && t.notBefore <= now,
        );
        const [next] = claimOrder(agentId, open.map((t) => t.id), rivals);
        if (next === undefined) return undefined;
        const task = open.find((t) => t.id === next)!;
        try {
          const claim = await api.claim(next, { agentId, bond: task, ...(filter.gas ? { gas: filter.gas } : {}) });
          remember(task);
          return claim;
        } catch (error) {
          if (!(error instanceof ContractRevertError && SKIP_ERRORS.has(error.errorName))) throw error;
          skipped.add(next);
          if (lostRace(error)) {
            remember(task);
            filter.onLostRace?.(next, (error as { receipt?: unknown }).receipt !== undefined);
          }
        }
      }
      return undefined;
    },

    /** Extends the lease of a claim the agent holds. */
    async renewLease(taskId: bigint, attempt: number): Promise<Written & { leaseExpiry: bigint }> {
      const written = await write(ctx, "TaskBoard", "renewLease", [v.id("taskId", taskId), Number(v.uint("attempt", attempt, { bits: 32, min: 1n }))]);
      return { ...written, leaseExpiry: eventOf(ctx, written.receipt, "TaskBoard", "LeaseRenewed").leaseExpiry };
    },

    /** Submits a result for review; `resultHash` defaults to keccak256 of `resultURI`. */
    async submit(taskId: bigint, attempt: number, resultURI: string, resultHash?: Hex): Promise<Written & { reviewDeadline: bigint }> {
      const uri = v.uri("resultURI", resultURI);
      const hash = resultHash === undefined ? keccak256(stringToHex(uri)) : v.bytes32("resultHash", resultHash);
      const written = await write(ctx, "TaskBoard", "submit", [v.id("taskId", taskId), Number(v.uint("attempt", attempt, { bits: 32, min: 1n })), uri, hash]);
      return { ...written, reviewDeadline: eventOf(ctx, written.receipt, "TaskBoard", "TaskSubmitted").reviewDeadline };
    },

    /** Accepts a submission (the poster, or anyone once the review window has passed): pays the claimant. */
    accept: (taskId: bigint) => write(ctx, "TaskBoard", "accept", [v.id("taskId", taskId)]),
    /** Rejects a submission (the poster, within the review window): the task reopens. */
    reject: (taskId: bigint, reasonURI: string) => write(ctx, "TaskBoard", "reject", [v.id("taskId", taskId), v.uri("reasonURI", reasonURI)]),
    /** Cancels an open task (the poster): the escrow comes back as credit. */
    cancel: (taskId: bigint) => write(ctx, "TaskBoard", "cancel", [v.id("taskId", taskId)]),
    /** Expires an open task past its deadline (anyone): the escrow goes back to the poster as credit. */
    expire: (taskId: bigint) => write(ctx, "TaskBoard", "expire", [v.id("taskId", taskId)]),
    /** Reopens a task whose lease expired (anyone): the claimant loses its bond and the abandon slash. */
    reclaim: (taskId: bigint) => write(ctx, "TaskBoard", "reclaim", [v.id("taskId", taskId)]),
    /** Offers the task the agent holds to another agent, with context for it. */
    handoff: (taskId: bigint, attempt: number, toAgentId: bigint, contextURI: string) =>
      write(ctx, "TaskBoard", "handoff", [v.id("taskId", taskId), Number(v.uint("attempt", attempt, { bits: 32, min: 1n })), v.id("toAgentId", toAgentId), v.uri("contextURI", contextURI)]),
    /** Takes over a task offered to the agent (paying the bond). */
    async acceptHandoff(taskId: bigint, options: { agentId?: bigint } = {}): Promise<Claim> {
      const id = v.id("taskId", taskId);
      const agentId = actingAgent(ctx, options.agentId);
      const t = await read(ctx, "TaskBoard", "getTask", [id]);
      await ensureAllowance(ctx, t.rewardToken, t.claimBond);
      const written = await write(ctx, "TaskBoard", "acceptHandoff", [id, agentId], { value: t.rewardToken === zeroAddress ? t.claimBond : 0n });
      const e = eventOf(ctx, written.receipt, "TaskBoard", "TaskClaimed");
      return { ...written, taskId: id, agentId, attempt: e.attempt, leaseExpiry: e.leaseExpiry, lockedReward: e.lockedReward };
    },
    /** Stops the lease clock and asks the task's approver (a human) a question. */
    escalate: (taskId: bigint, attempt: number, questionURI: string) =>
      write(ctx, "TaskBoard", "escalate", [v.id("taskId", taskId), Number(v.uint("attempt", attempt, { bits: 32, min: 1n })), v.uri("questionURI", questionURI)]),
    /** The approver's answer: `resume` gives the task back to its claimant, otherwise it reopens. */
    resolveEscalation: (taskId: bigint, answerURI: string, resume: boolean) =>
      write(ctx, "TaskBoard", "resolveEscalation", [v.id("taskId", taskId), v.uri("answerURI", answerURI), resume]),
    /** Withdraws the caller's credit (rewards, refunds) in `token` (default ETH). */
    withdrawCredit: (token: Address = zeroAddress) => write(ctx, "TaskBoard", "withdrawCredit", [v.address("token", token)]),
    /** The caller's (or `account`'s) withdrawable credit in `token`. */
    creditOf: (account: Address, token: Address = zeroAddress) => read(ctx, "TaskBoard", "creditOf", [v.address("account", account), v.address("token", token)]),

    get,
    list,

    /**
     * Claims the next task (`claimNext`), keeps its lease alive while `handler` runs, then submits
     * what it returns. Resolves `undefined` when there was nothing to claim. If the handler throws,
     * renewals stop (the lease runs out and the task reopens) and the error is rethrown.
     */
    async work(filter: ClaimNextFilter, handler: WorkHandler): Promise<(Claim & { submitted: Written }) | undefined> {
      const claim = await api.claimNext(filter);
      if (!claim) return undefined;
      const task = (await get(claim.taskId))!;
      const controller = new AbortController();
      const renewEveryMs = timerMs(Math.max(1_000, (Number(task.leaseDuration) * 1000) / 2));
      let renewing: Promise<unknown> = Promise.resolve();
      const timer = setInterval(() => {
        renewing = api.renewLease(claim.taskId, claim.attempt).catch((error: unknown) => {
          clearInterval(timer);
          // Past the deadline a lease cannot be renewed, but it still runs (and submit has no deadline).
          if (error instanceof ContractRevertError && error.errorName === "RenewalPastDeadline") return;
          controller.abort(error);
        });
      }, renewEveryMs);
      try {
        const result = await handler({ task, claim, signal: controller.signal });
        clearInterval(timer);
        await renewing;
        const submitted = await api.submit(claim.taskId, claim.attempt, result.resultURI, result.resultHash);
        return { ...claim, submitted };
      } finally {
        clearInterval(timer);
      }
    },

    /**
     * Calls `onTasks` with the open tasks matching `filter` (up to 100, oldest first) now and after
     * every change. Pushed by the indexer (the rows ride in the live query: no request per change);
     * without one, follows TaskBoard events. Returns the unsubscribe function.
     */
    watchOpen(filter: TaskFilter, onTasks: (tasks: Task[]) => void, onError?: (error: Error) => void): () => void {
      const caps = filter.capabilities?.map((c, i) => v.capability(`capabilities[${i}]`, c));
      const poster = filter.poster === undefined ? undefined : v.address("poster", filter.poster).toLowerCase();
      if (ctx.indexer) {
        // What REST's /tasks?status=open&capability=&poster= selects: a capability filter admits tasks open to any.
        const where = [sql`status = 'open'`];
        if (caps) where.push(sql`capability in (${sql.join([zeroHash, ...caps].map((c) => sql`${c.toLowerCase()}`), sql`, `)})`);
        if (poster) where.push(sql`poster = ${poster}`);
        return ctx.indexer.live(sql`select ${TASK_ROW} from task where ${sql.join(where, sql` and `)} order by id limit 100`, (rows) => onTasks(rows.map(toTask)), onError);
      }
      const refresh = () =>
        list({ ...(caps ? { capabilities: caps } : {}), ...(filter.poster ? { poster: filter.poster } : {}), status: "open", limit: 100 }).then(guarded(onTasks, onError), (e: Error) => onError?.(e));
      void refresh();
      return watchEvents(ctx, "TaskBoard", () => void refresh(), onError);
    },

    /** Calls `onTask` with the task now and whenever it changes. Returns the unsubscribe function. */
    watch(taskId: bigint, onTask: (task: Task) => void, onError?: (error: Error) => void): () => void {
      const id = v.id("taskId", taskId);
      let last = "";
      const deliver = guarded((t: Task | null | undefined) => {
        if (!t) return;
        const key = `${t.status}/${t.attempt}/${t.claimant}/${t.leaseExpiry}/${t.pendingHandoff}`;
        if (key !== last) (last = key), onTask(t);
      }, onError);
      if (ctx.indexer) return ctx.indexer.live(sql`select ${TASK_ROW} from task where id = ${sqlInt(id)}`, ([row]) => deliver(row && toTask(row)), onError);
      void get(id).then(deliver, (e: Error) => onError?.(e));
      return watchEvents(ctx, "TaskBoard", (logs) => {
        if (logs.some((l) => (l.args as { taskId?: bigint }).taskId === id)) void get(id).then(deliver, (e: Error) => onError?.(e));
      }, onError);
    },
  };
  return api;
}

export type TasksModule = ReturnType<typeof tasksModule>;
