/**
 * The cast of the SDK benches: a funder and a poster from the development mnemonic, and `n` agents
 * on fresh keys (derived from `keySeed`), each funded with 10 ETH and registered with one capability.
 */
import { parseEther } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import type { Stack } from "../scripts/lib/stack.ts";
import { MNEMONIC } from "../scripts/lib/workload.ts";
import { type Agent, createAgent } from "../sdk/src/index.ts";

export type BenchAgents = {
  /** Makes an agent for any account on this node and indexer. */
  make: (account: Parameters<typeof createAgent>[0]["account"]) => Agent;
  funder: Agent;
  /** Registered, posts the tasks. */
  poster: Agent;
  agents: Agent[];
};

export async function benchAgents(
  stack: Stack,
  indexerUrl: string,
  options: { n: number; keySeed: bigint; label: string; capability: string },
): Promise<BenchAgents> {
  const make = (account: Parameters<typeof createAgent>[0]["account"]) =>
    createAgent({ rpcUrl: stack.node.url, account, deployment: stack.deployment, indexerUrl, pollingInterval: 100 });
  const funder = make(mnemonicToAccount(MNEMONIC, { addressIndex: 0 }));
  const poster = make(mnemonicToAccount(MNEMONIC, { addressIndex: 1 }));
  await poster.identity.register({ uri: `ipfs://${options.label}-poster` });
  const wallet = funder.walletClient!;
  const agents: Agent[] = [];
  for (let i = 0; i < options.n; i++) {
    const account = privateKeyToAccount(`0x${(options.keySeed + BigInt(i)).toString(16).padStart(64, "0")}`);
    const hash = await wallet.sendTransaction({
      to: account.address,
      value: parseEther("10"),
      account: wallet.account!,
      chain: wallet.chain,
    });
    await funder.publicClient.waitForTransactionReceipt({ hash });
    const agent = make(account);
    await agent.identity.register({ uri: `ipfs://${options.label}-agent-${i}`, capabilities: [options.capability] });
    agents.push(agent);
  }
  return { make, funder, poster, agents };
}
