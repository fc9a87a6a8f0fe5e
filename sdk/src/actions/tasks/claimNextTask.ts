import type { Hex } from "viem";
import { actingAgent, type Context, read } from "../../client/context.js";
import { ContractRevertError } from "../../errors/contract.js";
import type { IndexerError } from "../../errors/indexer.js";
import type { WriteErrorType } from "../../errors/types.js";
import type { Row } from "../../indexer/client.js";
import type { Task } from "../../indexer/rows.js";
import { claimOrder } from "../../utils/spread.js";
import { hostileTerms, type TermLimits } from "../../utils/terms.js";
import { chainNow } from "../../utils/watch.js";
import * as v from "../../validate.js";
import { type Claim, claimTask } from "./claimTask.js";
import { listTasks, type TaskFilter } from "./listTasks.js";

/** What `claimNextTask` (and `workNextTask`) looks for, and how hard it tries. */
export type ClaimNextFilter = TaskFilter & {
  /** Candidates tried before giving up (default 8). */
  maxAttempts?: number;
  agentId?: bigint;
  gas?: bigint;
  /** Called for each race lost; `onChain` is true when the losing claim was mined (and paid gas). */
  onLostRace?: (taskId: bigint, onChain: boolean) => void;
  /**
   * Terms to refuse (see `hostileTerms`): by default leases under 120 s, abandonment slashes above
   * the task's minimum stake and bonds above the reward are skipped. `false` takes any terms.
   */
  terms?: TermLimits | false;
  /** Called for each task skipped for its terms, with the reason. */
  onHostileTerms?: (taskId: bigint, reason: string) => void;
};

export type ClaimNextTaskParameters = ClaimNextFilter;

/** The claim, or `undefined` when nothing was left to claim. */
export type ClaimNextTaskReturnType = Claim | undefined;

export type ClaimNextTaskErrorType = WriteErrorType<"TaskBoard"> | IndexerError;

/** Errors that mean "someone else got there first" (retry elsewhere), not "you cannot". */
const RACE_ERRORS = new Set(["TaskNotOpen", "WrongStatus", "StaleAttempt"]);

/** Errors that make claimNextTask move on to another task: races, and tasks this agent cannot take (yet). */
const SKIP_ERRORS = new Set([
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

/**
 * Whether an error means "someone else got there first" (retry elsewhere), not "you cannot".
 *
 * @example
 * try { await claimTask(agent, { taskId }) } catch (e) { if (!lostRace(e)) throw e }
 */
export const lostRace = (error: unknown): boolean => error instanceof ContractRevertError && RACE_ERRORS.has(error.errorName);

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
};

const memories = new WeakMap<Context, ClaimMemory>();

function memoryOf(ctx: Context): ClaimMemory {
  let memory = memories.get(ctx);
  if (!memory) memories.set(ctx, (memory = { taken: new Map(), cache: new Map() }));
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
  if (filter.capabilities) return Promise.resolve(filter.capabilities.map((c, i) => v.capability(`capabilities[${i}]`, c)));
  return cached(memory, `caps/${agentId}`, async () => [...(await read(ctx, "IdentityRegistry", "capabilitiesOf", [agentId]))]);
}

/** Other agents that could want the same tasks (for spreading): those declaring any of `caps`. */
function competitors(ctx: Context, memory: ClaimMemory, caps: Hex[]): Promise<bigint[]> {
  const indexer = ctx.indexer;
  if (!indexer) return Promise.resolve([]);
  return cached(memory, `rivals/${caps.join(",")}`, async () => {
    const ids = new Set<bigint>();
    for (const capability of caps.length ? caps : [undefined]) {
      const body = await indexer.get<{ agents: Row[] }>("/agents", { capability, limit: 500 });
      for (const a of body?.agents ?? []) ids.add(BigInt(String(a.id)));
    }
    return [...ids];
  });
}

/**
 * Claims an open task the agent is eligible for, choosing so that concurrent agents rarely pick the
 * same one (rendezvous hashing, see `claimOrder`), and moving on to another when a race is lost or
 * a task cannot be taken yet. Skips the agent's own tasks and tasks with hostile terms.
 *
 * @example
 * const claim = await claimNextTask(agent, { capabilities: ["summarize"] });
 * if (!claim) console.log("nothing to do");
 */
export async function claimNextTask(ctx: Context, filter: ClaimNextTaskParameters = {}): Promise<ClaimNextTaskReturnType> {
  const memory = memoryOf(ctx);
  const agentId = actingAgent(ctx, filter.agentId);
  const caps = await capabilitiesFor(ctx, memory, filter, agentId);
  const rivals = await competitors(ctx, memory, caps);
  const skipped = new Set<bigint>();
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
    !skipped.has(t.id) && !staleListing(memory, t) && t.deadline > now && t.notBefore <= now && t.poster.toLowerCase() !== self && acceptable(t);
  for (let attempt = 0; attempt < (filter.maxAttempts ?? 8); attempt++) {
    const open = (await listTasks(ctx, { ...filter, capabilities: caps, status: "open", limit: 500 })).filter(candidate);
    const [next] = claimOrder(agentId, open.map((t) => t.id), rivals);
    if (next === undefined) return undefined;
    const task = open.find((t) => t.id === next)!;
    try {
      const claim = await claimTask(ctx, { taskId: next, agentId, bond: task, gas: filter.gas });
      remember(memory, task);
      return claim;
    } catch (error) {
      if (!(error instanceof ContractRevertError && SKIP_ERRORS.has(error.errorName))) throw error;
      skipped.add(next);
      if (lostRace(error)) {
        remember(memory, task);
        filter.onLostRace?.(next, (error as { receipt?: unknown }).receipt !== undefined);
      }
    }
  }
  return undefined;
}
