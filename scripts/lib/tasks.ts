/** Posting tasks from a test: the one transaction most end-to-end tests need. */
import {
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  type TransactionReceipt,
  toHex,
  zeroAddress,
  zeroHash,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { abis } from "../../sdk/src/index.ts";
import { MNEMONIC } from "./workload.ts";

export { MNEMONIC };

export type PostTask = (options?: { capability?: Hex; specURI?: string }) => Promise<TransactionReceipt>;

/**
 * The plainest task spec: a 1-wei ETH reward, no bond, stake, capability (unless given) or approver,
 * a 60-second lease (unless given) and review window, the spec hash of its URI.
 */
export function plainTask(o: { specURI: string; deadline: bigint; capability?: Hex; leaseDuration?: bigint }) {
  return {
    capability: o.capability ?? zeroHash,
    specURI: o.specURI,
    specHash: keccak256(toHex(o.specURI)),
    rewardToken: zeroAddress,
    reward: 1n,
    maxReward: 1n,
    claimBond: 0n,
    minStake: 0n,
    abandonSlash: 0n,
    leaseDuration: o.leaseDuration ?? 60n,
    notBefore: 0n,
    deadline: o.deadline,
    reviewWindow: 60n,
    approver: zeroAddress,
  };
}

/** A function that posts a 1-wei, 60-second-lease task from account `addressIndex` and waits for the receipt. */
export function taskPoster(rpcUrl: string, taskBoard: Hex, addressIndex: number): PostTask {
  const transport = http(rpcUrl);
  const publicClient = createPublicClient({ transport, pollingInterval: 50 });
  const wallet = createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex }), transport });
  return async ({ capability = zeroHash, specURI = "ipfs://task" } = {}) => {
    const deadline = (await publicClient.getBlock()).timestamp + 86_400n;
    const hash = await wallet.writeContract({
      chain: null,
      address: taskBoard,
      abi: abis.TaskBoard,
      functionName: "postTask",
      args: [plainTask({ specURI, deadline, capability })],
      value: 1n,
    });
    return publicClient.waitForTransactionReceipt({ hash });
  };
}

/** One JSON-RPC call through viem (for the node's test methods: evm_snapshot, evm_revert, evm_mine, …). */
export async function rpc<T = unknown>(rpcUrl: string, method: string, params: unknown[] = []): Promise<T> {
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  return (await client.request({ method, params } as never)) as T;
}

/**
 * Mines `count` empty blocks one `evm_mine` at a time. Not `hardhat_mine`: Hardhat 3.18 gives the
 * middle blocks of a multi-block `hardhat_mine` a zero `parentHash`, which breaks any client that
 * follows the chain by parent hashes (Ponder's reorg detection walks back to genesis and stalls).
 */
export async function mineBlocks(rpcUrl: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await rpc(rpcUrl, "evm_mine");
}
