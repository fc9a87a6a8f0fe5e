import { erc20Abi, zeroAddress } from "viem";
import { agentsFor, type ChainsContext } from "../../client/chains.js";
import { addressOf, type Context, requireWallet } from "../../client/context.js";
import type { UnknownChainError } from "../../errors/chains.js";
import { MissingConfigError } from "../../errors/config.js";
import type { IndexerError } from "../../errors/indexer.js";
import { NotFoundError } from "../../errors/notFound.js";
import { tokenReadRefusal } from "../../errors/token.js";
import type { WriteErrorType } from "../../errors/types.js";
import type { Task } from "../../indexer/rows.js";
import { rewardAt } from "../../utils/reward.js";
import { chainNow } from "../../utils/watch.js";
import { claimCandidates, claimOrSkip, isSkip, refusedToken, skip } from "../tasks/candidates.js";
import type { ClaimNextFilter } from "../tasks/claimNextTask.js";
import type { Claim } from "../tasks/claimTask.js";
import { estimateTaskFee, type TaskFee } from "../tasks/estimateTaskFee.js";

export type ClaimNextTaskOnChainsParameters = Omit<ClaimNextFilter, "agentId"> & {
  /** One chain's tasks only (default: every chain the agents are on). */
  chainId?: number | undefined;
  /**
   * What a task's reward is worth in the unit amounts are compared in (wei of the chains' native
   * currency, or what `nativeValue` converts to), to rank it by its reward net of the fee (`reward`
   * is what a claim now would lock, ramp included). Default: a reward in its chain's native currency
   * at its `nativeValue`, one in an ERC-20 not valued (`undefined`): such tasks are tried after every
   * valued one, and never when `minNet` is set.
   */
  rewardValue?: ((task: Task, reward: bigint) => bigint | undefined) | undefined;
  /**
   * Converts an amount in wei of chain `chainId`'s native currency into the one unit rewards and
   * fees are compared in (wei of ETH, say). Needed when the agents' chains pay their fees in
   * different native currencies (each agent's `chain.nativeCurrency`: see `createAgent`'s `chain`);
   * without it such chains are refused with a `MissingConfigError`. Default: amounts as they are.
   */
  nativeValue?: ((chainId: number, amount: bigint) => bigint) | undefined;
  /** Skip tasks whose reward net of the fee is below this, in that unit (default: take any, best net first). */
  minNet?: bigint | undefined;
  /**
   * Called when a chain's candidates or fees cannot be read (its node down, say): that chain is left
   * out of this call and the others are still tried. When no chain can be read, the first failure
   * is thrown.
   */
  onChainError?: ((chainId: number, error: Error) => void) | undefined;
};

/** The claim, on the chain it was made, with the figures it was chosen by. */
export type ChainClaim<C extends Context = Context> = Claim & {
  chainId: number;
  /** The agent that claimed (the one on `chainId`). */
  agent: C;
  /** The task as listed when it was chosen. */
  task: Task;
  /** What claiming and submitting it costs, measured (see `estimateTaskFee`); `null` when it could not be. */
  fee: TaskFee | null;
  /** The reward's worth in the compared unit (see `rewardValue`), or `undefined` when not valued. */
  value: bigint | undefined;
  /** `value` less `fee.total` (in the compared unit: see `nativeValue`), or `undefined` when either is unknown. */
  net: bigint | undefined;
};

/** The claim, or `undefined` when nothing on any chain was left to claim. */
export type ClaimNextTaskOnChainsReturnType<C extends Context = Context> = ChainClaim<C> | undefined;

export type ClaimNextTaskOnChainsErrorType =
  | WriteErrorType<"TaskBoard">
  | IndexerError
  | UnknownChainError
  | MissingConfigError;

/** Converts wei of a chain's native currency into the compared unit. */
type NativeValue = (chainId: number, amount: bigint) => bigint;

/** A candidate as ranked: its chain's agent and rank there (rendezvous order), its figures. */
type Ranked<C extends Context> = {
  agent: C;
  agentId: bigint;
  task: Task;
  rank: number;
  fee: TaskFee | null;
  value: bigint | undefined;
  net: bigint | undefined;
};

/**
 * Amounts as they are, when every agent's chain pays its fees in one native currency; otherwise a
 * `MissingConfigError` naming the chains and their currencies (wei of POL are not wei of ETH).
 */
function sameCurrency(agents: readonly Context[]): NativeValue {
  const symbols = new Map(agents.map((a) => [a.deployment.chainId, a.publicClient.chain.nativeCurrency.symbol]));
  if (new Set(symbols.values()).size > 1) {
    const chains = [...symbols].map(([chainId, symbol]) => `${chainId} (${symbol})`).join(", ");
    throw new MissingConfigError(
      `one unit to compare fees in: chains ${chains} pay them in different native currencies`,
      "Pass `nativeValue(chainId, amount)` converting each chain's native currency into one unit (wei of " +
        "ETH, say), or `chainId` to claim on one chain.",
    );
  }
  return (_chainId, amount) => amount;
}

/**
 * A task's fee shape: tasks of one shape on one chain cost the same to claim and submit (task ids
 * aside). `bond` says how the bond is paid: none, in ETH, or in an ERC-20 the agent's allowance
 * covers (no approval first) or not.
 */
const shapeOf = (t: Task, bond: "none" | "eth" | "approved" | "unapproved") =>
  `${t.rewardToken.toLowerCase()}/${bond}/${t.reward !== t.maxReward}/${t.minStake > 0n}`;

/** How each task's bond is paid (see shapeOf), reading each ERC-20's allowance once. */
function bondPayment(agent: Context): (t: Task) => Promise<"none" | "eth" | "approved" | "unapproved"> {
  const allowances = new Map<string, Promise<bigint>>();
  const args = [requireWallet(agent).account.address, addressOf(agent, "TaskBoard")] as const;
  return async (t) => {
    if (t.claimBond === 0n) return "none";
    const token = t.rewardToken.toLowerCase();
    if (token === zeroAddress) return "eth";
    let allowance = allowances.get(token);
    if (!allowance) {
      allowance = agent.publicClient
        .readContract({ address: t.rewardToken, abi: erc20Abi, functionName: "allowance", args })
        .catch((error: unknown) => {
          throw tokenReadRefusal(error, t.rewardToken);
        });
      allowances.set(token, allowance);
    }
    return (await allowance) >= t.claimBond ? "approved" : "unapproved";
  };
}

/**
 * Candidates of one kind whose claim estimates may be refused in a row before the rest of that kind
 * is left out of the call (they are likely refused for the same reason: too little stake, say).
 */
const MAX_REFUSED = 3;

/**
 * One chain's candidates, each with its measured fee and its net. The fee is measured once per fee
 * shape (bond token and how the bond is paid, ramp or flat, stake required or not), on the first candidate of
 * that shape in the agent's rendezvous order, and applied to the others of that shape: they make
 * the same calls but for the task id (a few calldata bytes). A candidate the claim's estimate shows
 * this agent cannot take is dropped, as claimNext would on its revert (after MAX_REFUSED of a kind,
 * the rest of that kind too).
 */
async function rankChain<C extends Context>(
  agent: C,
  filter: ClaimNextTaskOnChainsParameters,
  skipped: Set<bigint>,
  nativeValue: NativeValue,
): Promise<Ranked<C>[]> {
  const agentId = agent.agentId!;
  const chainId = agent.deployment.chainId;
  const [tasks, now] = await Promise.all([claimCandidates(agent, filter, agentId, skipped), chainNow(agent)]);
  const value =
    filter.rewardValue ??
    ((task: Task, reward: bigint) =>
      task.rewardToken.toLowerCase() === zeroAddress ? nativeValue(chainId, reward) : undefined);
  const fees = new Map<string, TaskFee | null>();
  const refused = new Map<string, number>();
  const payment = bondPayment(agent);
  const ranked: Ranked<C>[] = [];
  for (const [rank, task] of tasks.entries()) {
    if (refusedToken(agent, task)) {
      skipped.add(task.id); // its token refused a task before it in this call
      continue;
    }
    let shape: string;
    try {
      shape = shapeOf(task, await payment(task));
    } catch (error) {
      if (!isSkip(error)) throw error;
      skip(agent, task, error, filter, skipped);
      continue;
    }
    if (!fees.has(shape)) {
      if ((refused.get(shape) ?? 0) >= MAX_REFUSED) continue;
      try {
        fees.set(shape, await estimateTaskFee(agent, { task, agentId }));
      } catch (error) {
        if (isSkip(error)) {
          skip(agent, task, error, filter, skipped);
          refused.set(shape, (refused.get(shape) ?? 0) + 1);
          continue;
        }
        if (!(error instanceof NotFoundError)) throw error;
        fees.set(shape, null); // nothing to measure an unapproved ERC-20 bond's claim by
      }
    }
    const fee = fees.get(shape)!;
    const worth = value(task, rewardAt(task, now));
    const net = worth === undefined || fee === null ? undefined : worth - nativeValue(chainId, fee.total);
    ranked.push({ agent, agentId, task, rank, fee, value: worth, net });
  }
  return ranked;
}

/** Valued tasks by net, best first (ties in rendezvous order, so agents still spread); then the rest. */
function byNet<C extends Context>(a: Ranked<C>, b: Ranked<C>): number {
  if (a.net !== undefined && b.net !== undefined && a.net !== b.net) return a.net > b.net ? -1 : 1;
  if ((a.net === undefined) !== (b.net === undefined)) return a.net === undefined ? 1 : -1;
  return a.rank - b.rank;
}

/**
 * Claims the open task, on any chain the agents are on, that pays best net of its measured fee
 * (`estimateTaskFee`: gas × the chain's gas price, plus the L1 data fee on an OP-stack chain), each
 * chain's agent claiming on its own chain with its own identity. Rewards in the native currency are
 * compared at face value (give `nativeValue` when the chains' native currencies differ); give
 * `rewardValue` to value ERC-20 rewards. Tasks of equal net keep each agent's
 * rendezvous order (see `claimNextTask`), so concurrent agents still spread over them; a lost race
 * moves on to the next. Resolves `undefined` when nothing was left to claim.
 *
 * @example
 * const claim = await claimNextTaskOnChains(agents, { minNet: 0n });
 * if (claim) console.log(`chain ${claim.chainId}, task ${claim.taskId}: ${claim.net} wei after fees`);
 */
export async function claimNextTaskOnChains<C extends Context>(
  ctx: ChainsContext<C>,
  filter: ClaimNextTaskOnChainsParameters = {},
): Promise<ClaimNextTaskOnChainsReturnType<C>> {
  const agents = agentsFor(ctx, filter.chainId);
  for (const agent of agents) {
    if (agent.agentId !== undefined) continue;
    throw new MissingConfigError(
      `an agent id on chain ${agent.deployment.chainId}`,
      "Register it there (`agents.on(chainId).identity.register(…)`), or pass `chainId` to claim elsewhere.",
    );
  }
  const nativeValue = filter.nativeValue ?? sameCurrency(agents);
  const skipped = new Map(agents.map((a) => [a, new Set<bigint>()]));
  const results = await Promise.allSettled(agents.map((a) => rankChain(a, filter, skipped.get(a)!, nativeValue)));
  const failures = results.flatMap((r, i) =>
    r.status === "rejected" ? [{ agent: agents[i]!, error: r.reason as Error }] : [],
  );
  for (const { agent, error } of failures) filter.onChainError?.(agent.deployment.chainId, error);
  if (failures.length === agents.length) throw failures[0]!.error;
  const ranked = results
    .flatMap((r) => (r.status === "fulfilled" ? r.value : []))
    .filter((c) => filter.minNet === undefined || (c.net !== undefined && c.net >= filter.minNet))
    .sort(byNet);
  const attempts = filter.maxAttempts ?? 8;
  for (const [i, c] of ranked.entries()) {
    if (i >= attempts) break;
    const claim = await claimOrSkip(c.agent, c.task, c.agentId, filter, skipped.get(c.agent)!);
    if (!claim) continue;
    const chainId = c.agent.deployment.chainId;
    return { ...claim, chainId, agent: c.agent, task: c.task, fee: c.fee, value: c.value, net: c.net };
  }
  return undefined;
}
