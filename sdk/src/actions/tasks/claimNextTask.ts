import { actingAgent, type Context } from "../../client/context.js";
import type { IndexerError } from "../../errors/indexer.js";
import type { TokenRefusedError } from "../../errors/token.js";
import type { WriteErrorType } from "../../errors/types.js";
import type { TermLimits } from "../../utils/terms.js";
import { claimCandidates, claimOrSkip, isRace } from "./candidates.js";
import type { Claim } from "./claimTask.js";
import type { TaskFilter } from "./listTasks.js";

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
  /**
   * Called for each task skipped because its ERC-20 bond token reverted a call the claim needs
   * (its poster's token refuses claimants: nobody can claim it).
   */
  onTokenRefused?: (taskId: bigint, error: TokenRefusedError) => void;
};

export type ClaimNextTaskParameters = ClaimNextFilter;

/** The claim, or `undefined` when nothing was left to claim. */
export type ClaimNextTaskReturnType = Claim | undefined;

export type ClaimNextTaskErrorType = WriteErrorType<"TaskBoard"> | IndexerError;

/**
 * Whether an error means "someone else got there first" (retry elsewhere), not "you cannot".
 *
 * @example
 * try { await claimTask(agent, { taskId }) } catch (e) { if (!lostRace(e)) throw e }
 */
export const lostRace: (error: unknown) => boolean = isRace;

/**
 * Claims an open task the agent is eligible for, choosing so that concurrent agents rarely pick the
 * same one (rendezvous hashing, see `claimOrder`), and moving on to another when a race is lost or
 * a task cannot be taken yet. Skips the agent's own tasks, tasks with hostile terms and tasks whose
 * bond token refuses the agent.
 *
 * @example
 * const claim = await claimNextTask(agent, { capabilities: ["summarize"] });
 * if (!claim) console.log("nothing to do");
 */
export async function claimNextTask(
  ctx: Context,
  filter: ClaimNextTaskParameters = {},
): Promise<ClaimNextTaskReturnType> {
  const agentId = actingAgent(ctx, filter.agentId);
  const skipped = new Set<bigint>();
  for (let attempt = 0; attempt < (filter.maxAttempts ?? 8); attempt++) {
    const [next] = await claimCandidates(ctx, filter, agentId, skipped);
    if (next === undefined) return undefined;
    const claim = await claimOrSkip(ctx, next, agentId, filter, skipped);
    if (claim) return claim;
  }
  return undefined;
}
