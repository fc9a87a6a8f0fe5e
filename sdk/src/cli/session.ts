/**
 * What a command works with, made on first use: the resolved connection, the agent client, the
 * agent id to act as, and progress output. A command that never touches the chain never
 * contacts it.
 */
import { sql } from "@ponder/client";
import { abis, contractAddress, InvalidDeploymentError } from "@stigmergy/contracts";
import type { Address } from "viem";
import type { Agent } from "../agent.js";
import { MissingConfigError } from "../errors/config.js";
import { isConnectionError, NodeUnreachableError } from "../errors/connection.js";
import { InvalidInputError } from "../errors/input.js";
import { sqlChain } from "../indexer/client.js";
import { agentFrom, type Connection, type ConnectionFlags, resolveConnection } from "./config.js";
import type { Progress } from "./output.js";

export type Session = {
  json: boolean;
  progress: Progress;
  connection: () => Promise<Connection>;
  /** The agent client (signing when --key or --account is given). */
  agent: () => Promise<Agent>;
  /** The same connection without the indexer: reads straight from the chain. */
  chainAgent: () => Promise<Agent>;
  /** The agent id to act as: --agent, else the newest agent the account owns. Also sets `agent().agentId`. */
  actingAgent: () => Promise<bigint>;
};

export type SessionOptions = { flags: ConnectionFlags; json: boolean; progress: Progress; env?: NodeJS.ProcessEnv };

/**
 * Runs `make` on first call and keeps what it resolved to; a failure is not kept, so the next call
 * tries again (a long-lived caller such as the MCP server picks up a node that starts later).
 */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () =>
    (value ??= make().catch((error: unknown) => {
      value = undefined;
      throw error;
    }));
}

/** `resolveConnection` with its failures typed for exit codes: no node (3), unreadable deployment file (3). */
async function connect(flags: ConnectionFlags, env: NodeJS.ProcessEnv): Promise<Connection> {
  const rpcUrl = flags.rpc ?? env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8545";
  try {
    return await resolveConnection(flags, env);
  } catch (error) {
    if (error instanceof InvalidInputError && error.field === "rpc") throw new NodeUnreachableError(rpcUrl, error);
    const file = flags.deployment ?? env.STIGMERGY_DEPLOYMENT ?? "the deployment file";
    if (error instanceof SyntaxError) throw new InvalidDeploymentError(file, "it is not valid JSON", error);
    if (error instanceof Error && "code" in error && error.code === "ENOENT")
      throw new InvalidDeploymentError(file, "the file does not exist", error);
    throw error;
  }
}

/**
 * Agents `owner` holds now, oldest first, from the registry's Transfer logs (checked against
 * `ownerOf`: agents change hands).
 */
async function agentsOwnedOnChain(agent: Agent, owner: Address): Promise<bigint[]> {
  const registry = contractAddress(agent.deployment, "IdentityRegistry");
  const logs = await agent.publicClient.getContractEvents({
    address: registry,
    abi: abis.IdentityRegistry,
    eventName: "Transfer",
    args: { to: owner },
    fromBlock: BigInt(agent.deployment.startBlock),
  });
  const candidates = [...new Set(logs.map((l) => l.args.tokenId).filter((id): id is bigint => id !== undefined))].sort(
    (a, b) => (a < b ? -1 : 1),
  );
  const owned: bigint[] = [];
  for (const id of candidates) {
    const current = await agent.publicClient
      .readContract({ address: registry, abi: abis.IdentityRegistry, functionName: "ownerOf", args: [id] })
      .catch(() => undefined);
    if (current?.toLowerCase() === owner.toLowerCase()) owned.push(id);
  }
  return owned;
}

/**
 * Agents `owner` holds now, oldest first. The chain is the source of truth (an indexer may not
 * have seen a registration made a moment ago); when the node refuses the log query (a range
 * limit on a public RPC), the indexer answers instead.
 */
export async function agentsOwnedBy(agent: Agent, owner: Address): Promise<bigint[]> {
  try {
    return await agentsOwnedOnChain(agent, owner);
  } catch (error) {
    if (!agent.indexer || isConnectionError(error)) throw error;
    const where = sql`${sqlChain(agent.deployment.chainId)} and owner = ${owner.toLowerCase()}`;
    const rows = await agent.indexer.query(sql`select id from agent where ${where} order by id`);
    return rows.map((r) => BigInt(String(r.id)));
  }
}

export function createSession(options: SessionOptions): Session {
  const env = options.env ?? process.env;
  const connection = once(() => connect(options.flags, env));
  const agent = once(async () => agentFrom(await connection()));
  const chainAgent = once(async () => agentFrom({ ...(await connection()), indexerUrl: undefined }));
  const actingAgent = once(async () => {
    const a = await agent();
    if (a.agentId !== undefined) return a.agentId;
    if (!a.address) {
      throw new MissingConfigError(
        "an agent to act as",
        "Pass --agent ID, or --key / --account so the agent can be found by its owner.",
      );
    }
    const owned = await agentsOwnedBy(a, a.address);
    const newest = owned.at(-1);
    if (newest === undefined) {
      throw new MissingConfigError(
        "an agent to act as",
        `${a.address} owns no agent: register one (\`stigmergy agent register\`) or pass --agent ID.`,
      );
    }
    if (owned.length > 1)
      options.progress.note(
        `acting as agent ${newest}, the newest of ${owned.length} owned by ${a.address} (pass --agent to choose)`,
      );
    a.agentId = newest;
    return newest;
  });
  return { json: options.json, progress: options.progress, connection, agent, chainAgent, actingAgent };
}
