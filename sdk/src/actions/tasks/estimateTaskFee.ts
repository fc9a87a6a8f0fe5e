import { sql } from "@ponder/client";
import { abis } from "@stigmergy/contracts";
import { type Address, decodeFunctionData, encodeFunctionData, erc20Abi, type Hash, type Hex, zeroAddress } from "viem";
import { actingAgent, addressOf, type Context, requireWallet } from "../../client/context.js";
import { toStigmergyError } from "../../errors/contract.js";
import type { IndexerError } from "../../errors/indexer.js";
import { NotFoundError } from "../../errors/notFound.js";
import { type TokenRefusedError, tokenReadRefusal, tokenRefusal } from "../../errors/token.js";
import type { RevertErrorType, WriteErrorType } from "../../errors/types.js";
import { sqlChain } from "../../indexer/client.js";
import type { Task } from "../../indexer/rows.js";
import { isOpStack, l1FeeOf } from "../../utils/opStack.js";
import * as v from "../../validate.js";

export type EstimateTaskFeeParameters = {
  /** The task (as `listTasks` returns it): its id, and its bond's token and amount. */
  task: Pick<Task, "id" | "rewardToken" | "claimBond">;
  /** The agent that would claim it (default: the client's). */
  agentId?: bigint | undefined;
};

/** What one call of the task's lifecycle costs on its chain. */
export type CallFee = {
  /** The gas it uses. */
  gas: bigint;
  /**
   * How `gas` was measured: `estimate`, eth_estimateGas of this very call from the agent's account;
   * `receipts`, the median `gasUsed` of the chain's latest successful receipts of the same call
   * (`samples` of them).
   */
  measuredBy: "estimate" | "receipts";
  samples: number;
  /** Its L1 data fee in wei (GasPriceOracle `getL1Fee` of the unsigned transaction); 0 off an OP stack. */
  l1Fee: bigint;
};

/** What claiming and submitting a task would cost the agent now, in wei of the chain's native currency. */
export type TaskFee = {
  chainId: number;
  /** Whether the chain is an OP stack (its GasPriceOracle predeploy has code): its calls also pay an L1 data fee. */
  opStack: boolean;
  /** The chain's gas price now (eth_gasPrice), wei per gas. */
  gasPrice: bigint;
  /**
   * The ERC-20 `approve` of the bond to TaskBoard that the claim sends first when the agent's allowance
   * is short (measured by eth_estimateGas); `null` when the bond is in ETH, zero or already approved.
   */
  approval: CallFee | null;
  claim: CallFee;
  /**
   * `null` while the chain has no submit to measure. `total` then counts the claim's cost again in its
   * place (a submit costs about as much: 40,694 against 41,767 gas in the README's gas table), so a
   * chain without samples does not look cheaper than one with them.
   */
  submit: CallFee | null;
  /**
   * (approval gas + claim gas + submit gas) × gasPrice + their L1 data fees (the claim's again for a
   * submit not measured).
   */
  total: bigint;
};

export type EstimateTaskFeeReturnType = TaskFee;

/**
 * The claim's revert (the task cannot be claimed by this agent now), its bond token refusing the
 * agent, a read failing, no claim to measure by.
 */
export type EstimateTaskFeeErrorType =
  | WriteErrorType<"TaskBoard">
  | RevertErrorType<"TaskBoard">
  | IndexerError
  | NotFoundError
  | TokenRefusedError;

/**
 * A lifecycle's fee from its calls': (claim gas + submit gas) × gas price + both L1 data fees, the
 * claim's cost counted again for a submit not yet measured (see {@link TaskFee.submit}), plus the
 * bond's approval when one is sent first.
 */
export function feeTotal(
  gasPrice: bigint,
  claim: Pick<CallFee, "gas" | "l1Fee">,
  submit: Pick<CallFee, "gas" | "l1Fee"> | null,
  approval: Pick<CallFee, "gas" | "l1Fee"> | null = null,
): bigint {
  const stand = submit ?? claim;
  const approving = approval ? approval.gas * gasPrice + approval.l1Fee : 0n;
  return (claim.gas + stand.gas) * gasPrice + claim.l1Fee + stand.l1Fee + approving;
}

/** Receipts of a call sampled per chain (the latest this many). */
const SAMPLES = 8;

/** How long measured samples are reused. */
const SAMPLE_MS = 10_000;

/** Blocks searched for samples without an indexer. */
const SAMPLE_BLOCKS = 10_000n;

type Sample = { gasUsed: bigint; input: Hex };
type Measured = { gas: bigint; input: Hex; samples: number } | null;

const sampled = new WeakMap<Context, Map<string, { at: number; value: Promise<Measured> }>>();

/** The event each sampled call emits (how its transactions are found). */
const EVENT_OF = { claim: "TaskClaimed", submit: "TaskSubmitted" } as const;

/**
 * The chain's latest successful transactions calling TaskBoard's `functionName` directly (found by
 * the event it emits: through the indexer's activity when there is one, else in the node's recent
 * logs), and the median of their `gasUsed` with the input of the transaction that used it.
 */
function measuredCall(ctx: Context, functionName: keyof typeof EVENT_OF): Promise<Measured> {
  let memory = sampled.get(ctx);
  if (!memory) {
    memory = new Map();
    sampled.set(ctx, memory);
  }
  const hit = memory.get(functionName);
  if (hit && Date.now() - hit.at < SAMPLE_MS) return hit.value;
  const value = (async (): Promise<Measured> => {
    const board = addressOf(ctx, "TaskBoard").toLowerCase();
    const event = EVENT_OF[functionName];
    let hashes: Hash[];
    if (ctx.indexer) {
      const where = sql`${sqlChain(ctx.deployment.chainId)} and contract = 'TaskBoard' and event = ${event}`;
      const latest = sql`order by block_number desc, log_index desc limit ${SAMPLES}`;
      const rows = await ctx.indexer.query(sql`select tx_hash from activity where ${where} ${latest}`);
      hashes = rows.map((r) => String(r.txHash) as Hash);
    } else {
      const latest = await ctx.publicClient.getBlockNumber();
      const start = BigInt(ctx.deployment.startBlock);
      const fromBlock = latest - SAMPLE_BLOCKS > start ? latest - SAMPLE_BLOCKS : start;
      const board = { address: addressOf(ctx, "TaskBoard"), abi: abis.TaskBoard } as const;
      const logs = await ctx.publicClient.getContractEvents({ ...board, eventName: event, fromBlock });
      hashes = logs.slice(-SAMPLES).map((l) => l.transactionHash);
    }
    const samples: Sample[] = [];
    for (const hash of new Set(hashes)) {
      const [tx, receipt] = await Promise.all([
        ctx.publicClient.getTransaction({ hash }),
        ctx.publicClient.getTransactionReceipt({ hash }),
      ]);
      if (receipt.status !== "success" || tx.to?.toLowerCase() !== board) continue;
      try {
        if (decodeFunctionData({ abi: abis.TaskBoard, data: tx.input }).functionName !== functionName) continue;
      } catch {
        continue;
      }
      samples.push({ gasUsed: receipt.gasUsed, input: tx.input });
    }
    if (samples.length === 0) return null;
    samples.sort((a, b) => (a.gasUsed < b.gasUsed ? -1 : a.gasUsed > b.gasUsed ? 1 : 0));
    const median = samples[(samples.length - 1) >> 1]!;
    return { gas: median.gasUsed, input: median.input, samples: samples.length };
  })();
  memory.set(functionName, { at: Date.now(), value });
  value.catch(() => memory.delete(functionName));
  return value;
}

/**
 * What claiming and then submitting a task would cost the agent now, measured on the task's chain:
 * the claim's gas by eth_estimateGas of the very call (bond included; when its ERC-20 bond is not
 * approved yet, the approval's by eth_estimateGas and the claim's from the latest claim receipts,
 * as the claim's estimate would fail for want of the allowance), the submit's as
 * the median `gasUsed` of the chain's latest submit receipts (a submit cannot be estimated before
 * the claim); both at the chain's current gas price, plus, on an OP-stack chain, each transaction's
 * L1 data fee from the GasPriceOracle predeploy. A claim the contract would refuse throws its typed
 * error (`TaskNotOpen`, `MissingCapability`, …); a bond token that refuses the agent, `TokenRefusedError`.
 *
 * @example
 * const fee = await estimateTaskFee(agent, { task });
 * console.log(`claim + submit: ${formatEther(fee.total)} ETH (L1 data: ${formatEther(fee.claim.l1Fee)})`);
 */
export async function estimateTaskFee(
  ctx: Context,
  params: EstimateTaskFeeParameters,
): Promise<EstimateTaskFeeReturnType> {
  const { task } = params;
  const taskId = v.id("task.id", task.id);
  const agentId = actingAgent(ctx, params.agentId);
  const account = requireWallet(ctx).account.address;
  const to = addressOf(ctx, "TaskBoard");
  const data = encodeFunctionData({ abi: abis.TaskBoard, functionName: "claim", args: [taskId, agentId] });
  const paysInEth = task.rewardToken.toLowerCase() === zeroAddress;
  const value = paysInEth ? task.claimBond : 0n;
  const client = ctx.publicClient;

  const approved = async (token: Address) =>
    (await client
      .readContract({ address: token, abi: erc20Abi, functionName: "allowance", args: [account, to] })
      .catch((error: unknown) => {
        throw tokenReadRefusal(error, token);
      })) >= task.claimBond;
  const estimable = paysInEth || task.claimBond === 0n || (await approved(task.rewardToken));
  const approveData = encodeFunctionData({ abi: erc20Abi, functionName: "approve", args: [to, task.claimBond] });
  const approvalGas = async (): Promise<bigint | null> => {
    if (estimable) return null;
    try {
      return await client.estimateGas({ account, to: task.rewardToken, data: approveData });
    } catch (error) {
      throw tokenRefusal(error, task.rewardToken, "approve");
    }
  };
  const claimGas = async (): Promise<Omit<CallFee, "l1Fee">> => {
    if (!estimable) {
      // The estimate would fail for want of an allowance the claim itself approves first.
      const measured = await measuredCall(ctx, "claim");
      if (measured) return { gas: measured.gas, measuredBy: "receipts", samples: measured.samples };
      throw new NotFoundError(
        `Chain ${ctx.deployment.chainId} has no claim to measure the fee of an ERC-20-bonded claim by.`,
        "Approve the bond to TaskBoard first, so the claim can be estimated.",
      );
    }
    try {
      return { gas: await client.estimateGas({ account, to, data, value }), measuredBy: "estimate", samples: 1 };
    } catch (error) {
      const typed = toStigmergyError(error, { contractName: "TaskBoard", functionName: "claim" });
      // A revert TaskBoard does not declare, on a claim that pulls an ERC-20 bond, is the token's.
      throw paysInEth || task.claimBond === 0n ? typed : tokenRefusal(typed, task.rewardToken, "transferFrom");
    }
  };
  const [claim, submit, approveGas, gasPrice, opStack] = await Promise.all([
    claimGas(),
    measuredCall(ctx, "submit"),
    approvalGas(),
    client.getGasPrice(),
    isOpStack(client),
  ]);

  let claimL1 = 0n;
  let submitL1 = 0n;
  let approveL1 = 0n;
  if (opStack) {
    // The transactions as the agent would send them (its next nonces, today's fee caps), unsigned.
    const [first, fees] = await Promise.all([
      client.getTransactionCount({ address: account, blockTag: "pending" }),
      client.estimateFeesPerGas(),
    ]);
    const { maxFeePerGas, maxPriorityFeePerGas } = fees;
    const common = { chainId: ctx.deployment.chainId, to, maxFeePerGas, maxPriorityFeePerGas };
    const nonce = approveGas === null ? first : first + 1; // the claim's, after the approval if one is sent
    [claimL1, submitL1, approveL1] = await Promise.all([
      l1FeeOf(client, { ...common, nonce, data, value, gas: claim.gas }),
      submit ? l1FeeOf(client, { ...common, nonce: nonce + 1, data: submit.input, gas: submit.gas }) : 0n,
      approveGas === null
        ? 0n
        : l1FeeOf(client, { ...common, to: task.rewardToken, nonce: first, data: approveData, gas: approveGas }),
    ]);
  }
  const approval: CallFee | null =
    approveGas === null ? null : { gas: approveGas, measuredBy: "estimate", samples: 1, l1Fee: approveL1 };
  const submitFee: CallFee | null = submit && {
    gas: submit.gas,
    measuredBy: "receipts",
    samples: submit.samples,
    l1Fee: submitL1,
  };
  return {
    chainId: ctx.deployment.chainId,
    opStack,
    gasPrice,
    approval,
    claim: { ...claim, l1Fee: claimL1 },
    submit: submitFee,
    total: feeTotal(gasPrice, { gas: claim.gas, l1Fee: claimL1 }, submitFee, approval),
  };
}
