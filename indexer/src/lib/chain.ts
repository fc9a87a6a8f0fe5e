/**
 * The chain's JSON-RPC as the indexer's own code asks it (probes, the webhook dispatcher): viem's
 * client with one request per call — no retries, no cache — so a failure shows when it happens.
 */
import { createPublicClient, http, numberToHex } from "viem";

export type ChainClient = ReturnType<typeof chainClient>;

export const chainClient = (url: string, timeoutMs = 2_000) =>
  createPublicClient({ transport: http(url, { retryCount: 0, timeout: timeoutMs }) });

/** The chain's head block number, asked now. */
export const headNumber = async (client: ChainClient): Promise<number> =>
  Number(await client.request({ method: "eth_blockNumber" }));

/** The hash of the canonical block at `number`, or null when the node has no block there. */
export async function hashAt(client: ChainClient, number: bigint | number): Promise<string | null> {
  const block = await client.request({ method: "eth_getBlockByNumber", params: [numberToHex(number), false] });
  return block?.hash ?? null;
}
