/**
 * How an agent picks open tasks to claim, shared by `claimNextTask` (one chain) and
 * `claimNextTaskOnChains` (several): the candidates it may claim now, in the order it should try
 * them, and one claim attempt that moves on from races and tasks it cannot take. Not exported from
 * the package.
 */
import type { Hex } from "viem";
import { type Context, read } from "../../client/context.js";
import { ContractRevertError } from "../../errors/contract.js";
import { TokenRefusedError } from "../../errors/token.js";
import type { Row } from "../../indexer/client.js";
import type { Task } from "../../indexer/rows.js";
import { claimOrder } from "../../utils/spread.js";
import { hostileTerms } from "../../utils/terms.js";
import { chainNow } from "../../utils/watch.js";
import * as v from "../../validate.js";
import type { ClaimNextFilter } from "./claimNextTask.js";
import { type Claim, claimTask } from "./claimTask.js";
import { listTasks, type TaskFilter } from "./listTasks.js";

/** Errors that mean "someone else got there first" (retry elsewhere), not "you cannot". */
export const RACE_ERRORS = new Set(["TaskNotOpen", "WrongStatus", "StaleAttempt"]);

/** Errors that make claimNextTask move on to another task: races, and tasks this agent cannot take (yet). */
export const SKIP_ERRORS = new Set([
  ...RACE_ERRORS,
  "TaskPastDeadline",
  "TaskNotYetClaimable",
  "StakeTooLow",
  "StakeIsLocked",
  "MissingCapability",
  "AgentOfPoster",
]);

/** How long claimNextTask trusts its view of capabilities and competitors. */
const CACHE_MS = 10_000;

/** Tasks a client remembers having seen taken (oldest forgotten first). */
const TAKEN_MAX = 4_096;

/** What a client remembers between calls: the tasks it saw taken, and who declares what. */
type ClaimMemory = {
  /**
   * Tasks this client claimed or lost a race for, with the attempt that claim started. The indexer
   * may list such a task as open for another block, still at an older attempt: it is skipped until
   * it is listed open at that attempt or later (it reopened: rejected, reclaimed).
   */
  taken: Map<bigint, number>;
  /** Who declares what changes rarely: reused for CACHE_MS instead of asked every call. */
  cache: Map<string, { at: number; value: Promise<unknown> }>;
  /**
   * Tokens that refused this client (lower-case address → until when, ms): their bonded tasks are
   * passed over until then without spending an attempt, so a poster cannot use up claimNext's
   * attempts with many tasks in a token that refuses.
   */
  refused: Map<string, number>;
};

/** How long a token that refused is passed over. */
const REFUSED_MS = 300_000;

const memories = new WeakMap<Context, ClaimMemory>();

function memoryOf(ctx: Context): ClaimMemory {
  let memory = memories.get(ctx);
  if (!memory) {
    memory = { taken: new Map(), cache: new Map(), refused: new Map() };
    memories.set(ctx, memory);
  }
  return memory;
}

function remember({ taken }: ClaimMemory, task: Task) {
  taken.delete(task.id);
  taken.set(task.id, task.attempt + 1);
  if (taken.size > TAKEN_MAX) taken.delete(taken.keys().next().value!);
}

function staleListing({ taken }: ClaimMemory, task: Task): boolean {
  const claimedAt = taken.get(task.id);
  if (claimedAt === undefined) return false;
  if (task.attempt < claimedAt) return true;
  taken.delete(task.id);
  return false;
}

function cached<T>({ cache }: ClaimMemory, key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value as Promise<T>;
  const value = load();
  cache.set(key, { at: Date.now(), value });
  value.catch(() => cache.delete(key));
  return value;
}

/** The capabilities a filter means: the given ones, else the agent's own declared ones. */
function capabilitiesFor(ctx: Context, memory: ClaimMemory, filter: TaskFilter, agentId: bigint): Promise<Hex[]> {
  if (filter.capabilities) {
    return Promise.resolve(filter.capabilities.map((c, i) => v.capability(`capabilities[${i}]`, c)));
  }
  return cached(memory, `caps/${agentId}`, async () => [
    ...(await read(ctx, "IdentityRegistry", "capabilitiesOf", [agentId])),
  ]);
}

/** Other agents that could want the same tasks (for spreading): those declaring any of `caps`. */
function competitors(ctx: Context, memory: ClaimMemory, caps: Hex[]): Promise<bigint[]> {
  const indexer = ctx.indexer;
  if (!indexer) return Promise.resolve([]);
  return cached(memory, `rivals/${caps.join(",")}`, async () => {
    const ids = new Set<bigint>();
    for (const capability of caps.length ? caps : [undefined]) {
      const query = { chain: ctx.deployment.chainId, capability, limit: 500 };
      const body = await indexer.get<{ agents: Row[] }>("/agents", query);
      for (const a of body?.agents ?? []) ids.add(BigInt(String(a.id)));
    }
    return [...ids];
  });
}

/** Whether an error means "someone else got there first" (retry elsewhere), not "you cannot". */
export const isRace = (error: unknown): boolean =>
  error instanceof ContractRevertError && RACE_ERRORS.has(error.errorName);

/** Whether an error means the agent should move on to another task (a race, or one it cannot take yet). */
export const isSkip = (error: unknown): boolean =>
  (error instanceof ContractRevertError && SKIP_ERRORS.has(error.errorName)) || error instanceof TokenRefusedError;

/**
 * Skips `task`: into `skipped`; a token that refused is remembered (its other bonded tasks are passed
 * over for REFUSED_MS) and reported to `onTokenRefused`.
 */
export function skip(ctx: Context, task: Task, error: unknown, filter: ClaimNextFilter, skipped: Set<bigint>): void {
  skipped.add(task.id);
  if (!(error instanceof TokenRefusedError)) return;
  memoryOf(ctx).refused.set(error.token.toLowerCase(), Date.now() + REFUSED_MS);
  filter.onTokenRefused?.(task.id, error);
}

/** Whether claiming `task` would touch a token that refused this client lately (its bond is in it). */
export function refusedToken(ctx: Context, task: Task): boolean {
  if (task.claimBond === 0n) return false;
  const { refused } = memoryOf(ctx);
  const token = task.rewardToken.toLowerCase();
  const until = refused.get(token);
  if (until === undefined) return false;
  if (until > Date.now()) return true;
  refused.delete(token);
  return false;
}

/**
 * The open tasks on `ctx`'s chain its agent may claim now, in the order it should try them
 * (rendezvous hashing, see `claimOrder`): not its own account's, not listed stale, within their
 * window, not `skipped`, and (unless `terms: false`) on acceptable terms.
 */
export async function claimCandidates(
  ctx: Context,
  filter: ClaimNextFilter,
  agentId: bigint,
  skipped: Set<bigint>,
): Promise<Task[]> {
  const memory = memoryOf(ctx);
  const caps = await capabilitiesFor(ctx, memory, filter, agentId);
  const rivals = await competitors(ctx, memory, caps);
  const now = await chainNow(ctx); // chain time: a local chain's runs ahead of the clock
  const self = ctx.walletClient?.account?.address.toLowerCase();
  const acceptable = (t: Task) => {
    if (filter.terms === false) return true;
    const reason = hostileTerms(t, filter.terms);
    if (reason === undefined) return true;
    skipped.add(t.id);
    filter.onHostileTerms?.(t.id, reason);
    return false;
  };
  // Its own tasks are not for it (TaskBoard refuses a poster's own agents).
  const candidate = (t: Task) =>
    !skipped.has(t.id) &&
    !staleListing(memory, t) &&
    t.deadline > now &&
    t.notBefore <= now &&
    t.poster.toLowerCase() !== self &&
    !refusedToken(ctx, t) &&
    acceptable(t);
  const listed = await listTasks(ctx, { ...filter, capabilities: caps, status: "open", limit: 500 });
  const open = listed.filter(candidate);
  const byId = new Map(open.map((t) => [t.id, t]));
  return claimOrder(agentId, [...byId.keys()], rivals).map((id) => byId.get(id)!);
}

/**
 * Claims `task` for `agentId`, or resolves `undefined` when the agent should move on: a race lost
 * (reported to `onLostRace`) or a task it cannot take yet; either way the task joins `skipped`.
 * Any other error is thrown.
 */
export async function claimOrSkip(
  ctx: Context,
  task: Task,
  agentId: bigint,
  filter: ClaimNextFilter,
  skipped: Set<bigint>,
): Promise<Claim | undefined> {
  const memory = memoryOf(ctx);
  try {
    const claim = await claimTask(ctx, { taskId: task.id, agentId, bond: task, gas: filter.gas });
    remember(memory, task);
    return claim;
  } catch (error) {
    if (!isSkip(error)) throw error;
    skip(ctx, task, error, filter, skipped);
    if (isRace(error)) {
      remember(memory, task);
      filter.onLostRace?.(task.id, (error as { receipt?: unknown }).receipt !== undefined);
    }
    return undefined;
  }
}
