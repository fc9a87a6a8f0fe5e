/**
 * What every action takes first (`claimTask(ctx, params)`): the agent's viem clients, its
 * deployment, the optional indexer and the agent id it acts as. An `Agent` from `createAgent` is
 * one. Also what actions are made of: `write`, which sends one contract call, waits for its receipt
 * and turns any revert into a typed error, `read`, and the receipt's events.
 */

import { abis, type ContractName, contractAddress, type Deployment } from "@stigmergy/contracts";
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  type ContractEventName,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hash,
  type ParseEventLogsReturnType,
  type PublicClient,
  parseEventLogs,
  type ReadContractReturnType,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from "viem";
import { MissingConfigError } from "../errors/config.js";
import { toStigmergyError } from "../errors/contract.js";
import { TransactionRevertedError, UnexpectedReceiptError } from "../errors/transaction.js";
import type { IndexerClient } from "../indexer/client.js";

export type AgentWallet = WalletClient<Transport, Chain, Account>;

/** What actions act through: an `Agent` (from `createAgent`), or any object with these fields. */
export type Context = {
  readonly publicClient: PublicClient<Transport, Chain>;
  /** Signs and sends (undefined for a read-only client). */
  readonly walletClient: AgentWallet | undefined;
  readonly deployment: Deployment;
  /** Where reads and watchers go when set; without it they go to the node. */
  readonly indexer: IndexerClient | undefined;
  /** The agent id calls default to (set by `registerAgent` or `createAgent({ agentId })`). */
  agentId: bigint | undefined;
};

/** One send at a time per context, so concurrent helpers never race for a nonce. */
const sendQueues = new WeakMap<Context, Promise<unknown>>();

type WriteName<name extends ContractName> = ContractFunctionName<(typeof abis)[name], "nonpayable" | "payable">;
type WriteArgs<name extends ContractName, fn extends WriteName<name>> = ContractFunctionArgs<
  (typeof abis)[name],
  "nonpayable" | "payable",
  fn
>;

export type WriteOptions = {
  /** Wei sent with the call (payable functions). */
  value?: bigint;
  /** Gas limit; when set the call is not estimated first (a losing race then reverts on chain). */
  gas?: bigint;
  /**
   * Gas added to the node's estimate, for calls that may cost more in the block they land in than
   * in the block they are estimated on (any call that may settle a pending leader draw: many nodes
   * estimate on the latest block, where the draw's randomness may not exist yet). Unused gas is
   * not charged.
   */
  headroom?: bigint;
};

/** A mined, successful transaction. */
export type Written = { hash: Hash; receipt: TransactionReceipt };

export const addressOf = (ctx: Context, name: ContractName): Address => contractAddress(ctx.deployment, name);

export function requireWallet(ctx: Context): AgentWallet {
  if (!ctx.walletClient) {
    throw new MissingConfigError(
      "an account to sign with",
      "Pass `account` (a viem account, or an ethers signer via `ethersSignerToAccount`) " +
        "or a `walletClient` to createAgent.",
    );
  }
  return ctx.walletClient;
}

/** A contract call as viem's `writeContract` takes it (any ABI: also plain ERC-20 approvals). */
export type CallRequest = {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
  value?: bigint;
  gas?: bigint;
  headroom?: bigint;
};

/**
 * Sends one call, waits for its receipt and returns it. Sends are queued per agent (one nonce at
 * a time); receipts are awaited in parallel. Reverts, whether caught by gas estimation or mined,
 * are thrown as the contract's typed error (a mined one carries `hash` and `receipt`).
 */
export async function send(
  ctx: Context,
  call: CallRequest,
  label: { contractName: string; functionName: string },
): Promise<Written> {
  const wallet = requireWallet(ctx);
  const { headroom, ...rest } = call;
  const request = { ...rest, account: wallet.account, chain: wallet.chain };
  if (!request.value) delete request.value;
  if (!request.gas) delete request.gas;
  const sent = (sendQueues.get(ctx) ?? Promise.resolve()).then(async () => {
    if (headroom !== undefined && request.gas === undefined) {
      request.gas =
        (await ctx.publicClient.estimateContractGas(
          request as Parameters<typeof ctx.publicClient.estimateContractGas>[0],
        )) + headroom;
    }
    return wallet.writeContract(request as Parameters<AgentWallet["writeContract"]>[0]);
  });
  sendQueues.set(
    ctx,
    sent.catch(() => undefined),
  );
  let hash: Hash;
  try {
    hash = await sent;
  } catch (error) {
    throw toStigmergyError(error, label);
  }
  const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status === "success") return { hash, receipt };
  // Mined but reverted (a race lost between estimation and inclusion): replay it on the state
  // of its block to learn why.
  try {
    const { input } = await ctx.publicClient.getTransaction({ hash });
    await ctx.publicClient.call({
      account: wallet.account,
      to: call.address,
      data: input,
      value: call.value,
      blockNumber: receipt.blockNumber,
    });
  } catch (error) {
    const typed = toStigmergyError(error, label);
    if (typed !== error) throw Object.assign(typed as object, { hash, receipt });
  }
  throw new TransactionRevertedError(`${label.contractName}.${label.functionName}`, hash);
}

/** Sends `functionName` on Stigmergy contract `name` (typed from its ABI); see {@link send}. */
export function write<const name extends ContractName, const fn extends WriteName<name>>(
  ctx: Context,
  name: name,
  functionName: fn,
  args: WriteArgs<name, fn>,
  options: WriteOptions = {},
): Promise<Written> {
  const call = {
    address: addressOf(ctx, name),
    abi: abis[name] as Abi,
    functionName,
    args: args as readonly unknown[],
    ...options,
  };
  return send(ctx, call, { contractName: name, functionName });
}

/** The decoded `eventName` logs of `name` in a receipt. */
export function eventsOf<const name extends ContractName, const event extends ContractEventName<(typeof abis)[name]>>(
  ctx: Context,
  receipt: TransactionReceipt,
  name: name,
  eventName: event,
): ParseEventLogsReturnType<(typeof abis)[name], event, true> {
  const address = addressOf(ctx, name).toLowerCase();
  const logs = receipt.logs.filter((l) => l.address.toLowerCase() === address);
  return parseEventLogs({
    abi: abis[name] as Abi,
    logs,
    eventName: eventName as string,
    strict: true,
  }) as unknown as ParseEventLogsReturnType<(typeof abis)[name], event, true>;
}

/** The first `eventName` log's args, or an error saying the receipt lacks it. */
export function eventOf<const name extends ContractName, const event extends ContractEventName<(typeof abis)[name]>>(
  ctx: Context,
  receipt: TransactionReceipt,
  name: name,
  eventName: event,
): ParseEventLogsReturnType<(typeof abis)[name], event, true>[number]["args"] {
  const [log] = eventsOf(ctx, receipt, name, eventName);
  if (!log) throw new UnexpectedReceiptError(receipt.transactionHash, `${name}.${eventName}`);
  return log.args;
}

/**
 * A view call on contract `name` (at `blockNumber`, default the latest block); a revert is thrown as
 * the contract's typed error.
 */
export function read<
  const name extends ContractName,
  const fn extends ContractFunctionName<(typeof abis)[name], "view" | "pure">,
>(
  ctx: Context,
  name: name,
  functionName: fn,
  args: ContractFunctionArgs<(typeof abis)[name], "view" | "pure", fn>,
  blockNumber?: bigint,
) {
  const call = ctx.publicClient.readContract({
    address: addressOf(ctx, name),
    abi: abis[name],
    functionName,
    args,
    ...(blockNumber === undefined ? {} : { blockNumber }),
  } as never) as Promise<
    ReadContractReturnType<(typeof abis)[name], fn, ContractFunctionArgs<(typeof abis)[name], "view" | "pure", fn>>
  >;
  return call.catch((error: unknown) => {
    throw toStigmergyError(error, { contractName: name, functionName });
  });
}

/** The agent id to act as: the one given, else the agent's own, else a clear error. */
export function actingAgent(ctx: Context, given: bigint | undefined): bigint {
  const agentId = given ?? ctx.agentId;
  if (agentId === undefined) {
    throw new MissingConfigError(
      "an agent id",
      "Register first (`agent.identity.register(…)`), pass `agentId` to createAgent, or pass it to this call.",
    );
  }
  return agentId;
}
