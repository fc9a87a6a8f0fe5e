/**
 * `createAgent`: one object per agent with a module per primitive. Writes are signed by the
 * agent's account and sent through viem; reads and watchers go through the indexer when one is
 * given (push-based live queries), else straight to the chain. The agent is also the context every
 * action takes: `agent.tasks.claim(12n)` is `claimTask(agent, { taskId: 12n })`.
 */

import type { Deployment } from "@stigmergy/contracts";
import { parseDeployment } from "@stigmergy/contracts";
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  http,
  type PublicClient,
  type Transport,
} from "viem";
import type { AgentWallet, Context } from "./client/context.js";
import { InvalidInputError } from "./errors/input.js";
import { createIndexerClient, type IndexerClient } from "./indexer/client.js";
import { type ElectionModule, electionModule } from "./modules/election.js";
import { type GovernanceModule, governanceModule } from "./modules/governance.js";
import { type IdentityModule, identityModule } from "./modules/identity.js";
import { type LocksModule, locksModule } from "./modules/locks.js";
import { type MessagesModule, messagesModule } from "./modules/messages.js";
import { type ReputationModule, reputationModule } from "./modules/reputation.js";
import { type SchedulesModule, schedulesModule } from "./modules/schedules.js";
import { type StakingModule, stakingModule } from "./modules/staking.js";
import { type TasksModule, tasksModule } from "./modules/tasks.js";
import { type ValidationModule, validationModule } from "./modules/validation.js";
import * as v from "./validate.js";

export type CreateAgentParameters = {
  /** The node's JSON-RPC URL (or give `transport`). */
  rpcUrl?: string;
  /** A viem transport (instead of `rpcUrl`). */
  transport?: Transport;
  /**
   * Who signs: a viem account (`privateKeyToAccount`, `mnemonicToAccount`, or an ethers signer via
   * `ethersSignerToAccount`), or an address the node signs for. Omit for a read-only client.
   */
  account?: Account | Address;
  /** A ready wallet client (instead of `account`). */
  walletClient?: AgentWallet;
  /** Where the contracts are: the parsed `deployments/<chainId>.json`. */
  deployment: Deployment;
  /**
   * The chain as viem describes it (`polygon` from `viem/chains`, or `defineChain`): its native
   * currency is what its fees are paid in, which `claimNext` across chains compares. Default: an
   * ETH chain with the deployment's id (or `walletClient`'s chain). Its id must be the deployment's.
   */
  chain?: Chain;
  /**
   * The indexer's base URL (e.g. http://127.0.0.1:42069), or several serving the same index (a writer
   * and its `ponder serve` readers): the client uses the first that answers and fails over to the
   * next, its watchers reconnecting there with the current rows. Without it, reads and watchers use
   * the node.
   */
  indexerUrl?: string | readonly string[];
  /**
   * An indexer client to share (from `createIndexerClient`), instead of `indexerUrl`: agents on
   * several chains reading one indexer that follows them all (`createAgents` does this). Every read
   * an agent makes asks for its own deployment's chain.
   */
  indexer?: IndexerClient;
  /** The agent this client acts as (set automatically by `identity.register`). */
  agentId?: bigint | number | string;
  /** Milliseconds between polls for receipts and chain-side watchers (default 500). */
  pollingInterval?: number;
};

/** A chain description for a deployment (viem needs one to sign). */
function chainOf(deployment: Deployment, rpcUrl: string | undefined): Chain {
  return defineChain({
    id: deployment.chainId,
    name: deployment.chainId === 31337 ? "Hardhat" : `chain ${deployment.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: rpcUrl ? [rpcUrl] : [] } },
  });
}

/** An agent client: its identity, clients and one module per primitive; the context actions take. */
export type Agent = Context & {
  /** The account's address (undefined for a read-only client). */
  readonly address: Address | undefined;
  /** The agent id calls act as (after `identity.register`, or as given). */
  agentId: bigint | undefined;
  readonly deployment: Deployment;
  readonly publicClient: PublicClient<Transport, Chain>;
  readonly walletClient: AgentWallet | undefined;
  readonly indexer: IndexerClient | undefined;
  readonly identity: IdentityModule;
  readonly reputation: ReputationModule;
  readonly validation: ValidationModule;
  readonly staking: StakingModule;
  readonly election: ElectionModule;
  readonly governance: GovernanceModule;
  readonly locks: LocksModule;
  readonly tasks: TasksModule;
  readonly schedules: SchedulesModule;
  readonly messages: MessagesModule;
};

export function createAgent(params: CreateAgentParameters): Agent {
  const deployment = parseDeployment(params.deployment, "createAgent({ deployment })");
  if (!params.transport && !params.rpcUrl && !params.walletClient)
    throw new InvalidInputError("rpcUrl", "give rpcUrl, transport or walletClient so the agent can reach a node");
  // A wallet client's `transport` is its resolved config, not a factory: wrap its request function.
  const transport =
    params.transport ?? (params.rpcUrl ? http(params.rpcUrl) : custom({ request: params.walletClient!.request }));
  if (params.chain && params.chain.id !== deployment.chainId) {
    throw new InvalidInputError(
      "chain",
      `is chain ${params.chain.id} but the deployment is for chain ${deployment.chainId}`,
    );
  }
  const chain = params.chain ?? params.walletClient?.chain ?? chainOf(deployment, params.rpcUrl);
  const pollingInterval = params.pollingInterval ?? 500;
  const publicClient = createPublicClient({ chain, transport, pollingInterval });
  const account = typeof params.account === "string" ? v.address("account", params.account) : params.account;
  const walletClient =
    params.walletClient ?? (account ? createWalletClient({ account, chain, transport, pollingInterval }) : undefined);
  if (walletClient && walletClient.chain.id !== deployment.chainId) {
    throw new InvalidInputError(
      "walletClient",
      `is on chain ${walletClient.chain.id} but the deployment is for chain ${deployment.chainId}`,
    );
  }
  let indexer: IndexerClient | undefined = params.indexer;
  if (params.indexer && params.indexerUrl !== undefined) {
    throw new InvalidInputError("indexerUrl", "give indexerUrl or indexer, not both");
  }
  if (params.indexerUrl !== undefined) {
    const urls = typeof params.indexerUrl === "string" ? [params.indexerUrl] : params.indexerUrl;
    if (urls.length === 0) throw new InvalidInputError("indexerUrl", "expected at least one URL", "[]");
    for (const url of urls) {
      try {
        new URL(url);
      } catch {
        throw new InvalidInputError("indexerUrl", "expected an http(s) URL such as http://127.0.0.1:42069", url);
      }
    }
    indexer = createIndexerClient(urls);
  }
  let agentId = params.agentId === undefined ? undefined : v.id("agentId", params.agentId);
  const ctx: Context & { readonly address: Address | undefined } = {
    address: walletClient?.account.address,
    get agentId(): bigint | undefined {
      return agentId;
    },
    set agentId(id: bigint | undefined) {
      agentId = id === undefined ? undefined : v.id("agentId", id);
    },
    deployment,
    publicClient,
    walletClient,
    indexer,
  };
  // Modules bind actions to the agent itself: it is their context.
  return Object.assign(ctx, {
    identity: identityModule(ctx),
    reputation: reputationModule(ctx),
    validation: validationModule(ctx),
    staking: stakingModule(ctx),
    election: electionModule(ctx),
    governance: governanceModule(ctx),
    locks: locksModule(ctx),
    tasks: tasksModule(ctx),
    schedules: schedulesModule(ctx),
    messages: messagesModule(ctx),
  });
}
