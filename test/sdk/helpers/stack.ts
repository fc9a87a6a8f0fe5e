/**
 * One node, deployment and indexer shared by every SDK test file (they take turns on distinct
 * accounts), stopped by the root hook after the last file. Also: agents for tests.
 */
import type { Account } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { type Stack, startStack } from "../../../scripts/lib/stack.ts";
import { MNEMONIC, rpc } from "../../../scripts/lib/tasks.ts";
import { type Agent, createAgent } from "../../../sdk/src/index.ts";

export type SdkStack = Stack & { indexerUrl: string };

let shared: Promise<SdkStack> | undefined;

export function sdkStack(): Promise<SdkStack> {
  shared ??= (async () => {
    const stack = await startStack();
    const indexer = await stack.indexer();
    return { ...stack, indexerUrl: indexer.url };
  })();
  return shared;
}

export async function stopSdkStack(): Promise<void> {
  if (shared) await (await shared).stop();
  shared = undefined;
}

/** Account `index` of the development mnemonic (funded by the node). */
export const account = (index: number): Account => mnemonicToAccount(MNEMONIC, { addressIndex: index });

/** An agent client for account `index`; with `indexer: false`, one that reads from the node only. */
export async function agentFor(index: number, options: { indexer?: boolean } = {}): Promise<Agent> {
  const stack = await sdkStack();
  return createAgent({
    rpcUrl: stack.node.url,
    account: account(index),
    deployment: stack.deployment,
    ...(options.indexer === false ? {} : { indexerUrl: stack.indexerUrl }),
    pollingInterval: 100,
  });
}

/** Moves chain time forward by `seconds` and mines a block. */
export async function advance(seconds: number): Promise<void> {
  const { node } = await sdkStack();
  await rpc(node.url, "evm_increaseTime", [seconds]);
  await rpc(node.url, "evm_mine");
}

/** Resolves with the first value `check` returns (polled every 50 ms), or rejects after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
