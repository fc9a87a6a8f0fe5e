/**
 * Where the CLI and the MCP server find the chain, the deployment, the indexer and the key: flags
 * first, then environment variables, then local-chain defaults.
 *
 *   --rpc URL          STIGMERGY_RPC_URL        default http://127.0.0.1:8545
 *   --deployment FILE  STIGMERGY_DEPLOYMENT     default <deployments dir>/<chainId>.json
 *   --deployments DIR  STIGMERGY_DEPLOYMENTS_DIR default ./deployments
 *   --indexer URL      STIGMERGY_INDEXER_URL    default none (reads go to the node)
 *   --key 0x…          STIGMERGY_PRIVATE_KEY    the signing key
 *   --account N        STIGMERGY_ACCOUNT        instead of a key: development account N of the
 *                                                Hardhat mnemonic (local chains only)
 *   --agent ID         STIGMERGY_AGENT_ID       the agent to act as
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Deployment, loadDeployment, parseDeployment } from "@stigmergy/contracts";
import { type Account, createPublicClient, type Hex, http, isHex } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { type Agent, createAgent } from "../agent.js";
import { InvalidInputError } from "../errors/input.js";
import * as v from "../validate.js";

/** Hardhat's development mnemonic: its node funds the first 20 accounts. Never use it on a real chain. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export type ConnectionFlags = {
  rpc?: string | undefined;
  deployment?: string | undefined;
  deployments?: string | undefined;
  indexer?: string | undefined;
  key?: string | undefined;
  account?: string | undefined;
  agent?: string | undefined;
};

export type Connection = {
  rpcUrl: string;
  deployment: Deployment;
  indexerUrl: string | undefined;
  account: Account | undefined;
  agentId: bigint | undefined;
};

/** The signing account from `--key` or `--account`, if any. */
export function accountFrom(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Account | undefined {
  const key = flags.key ?? env.STIGMERGY_PRIVATE_KEY;
  if (key !== undefined && key !== "") {
    if (!isHex(key) || key.length !== 66)
      throw new InvalidInputError("key", "expected a private key: 0x followed by 64 hex digits");
    return privateKeyToAccount(key as Hex);
  }
  const index = flags.account ?? env.STIGMERGY_ACCOUNT;
  if (index !== undefined && index !== "") {
    return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: Number(v.uint("account", index, { bits: 16 })) });
  }
  return undefined;
}

/** Resolves flags and environment into what `createAgent` needs (asks the node for its chain id). */
export async function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Connection> {
  const rpcUrl = flags.rpc ?? env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8545";
  const file = flags.deployment ?? env.STIGMERGY_DEPLOYMENT;
  let deployment: Deployment;
  if (file) {
    deployment = parseDeployment(JSON.parse(await readFile(file, "utf8")), file);
  } else {
    let chainId: number;
    try {
      chainId = await createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) }).getChainId();
    } catch {
      throw new InvalidInputError(
        "rpc",
        `no node answers at ${rpcUrl} (start one with \`stigmergy devnet\` or pass --rpc)`,
      );
    }
    deployment = await loadDeployment(
      chainId,
      flags.deployments ?? env.STIGMERGY_DEPLOYMENTS_DIR ?? join(process.cwd(), "deployments"),
    );
  }
  const indexerUrl = flags.indexer ?? env.STIGMERGY_INDEXER_URL ?? undefined;
  const agent = flags.agent ?? env.STIGMERGY_AGENT_ID;
  return {
    rpcUrl,
    deployment,
    indexerUrl: indexerUrl === "" ? undefined : indexerUrl,
    account: accountFrom(flags, env),
    agentId: agent === undefined || agent === "" ? undefined : v.id("agent", agent),
  };
}

/** An agent client for a resolved connection. */
export function agentFrom(c: Connection): Agent {
  return createAgent({
    rpcUrl: c.rpcUrl,
    deployment: c.deployment,
    ...(c.account ? { account: c.account } : {}),
    ...(c.indexerUrl ? { indexerUrl: c.indexerUrl } : {}),
    ...(c.agentId !== undefined ? { agentId: c.agentId } : {}),
    pollingInterval: 250,
  });
}
