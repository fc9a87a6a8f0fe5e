/** Local stacks for end-to-end tests: a Hardhat node (or an l1 and an op node), deployments, and indexers. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Deployment, parseDeployment } from "../../sdk/src/index.ts";
import type { LocalChainType } from "./chains.ts";
import {
  freePort,
  HARDHAT_BIN,
  type IndexerOptions,
  type RunningNode,
  runToEnd,
  startHardhatNode,
  startIndexer,
} from "./processes.ts";

export type StackIndexer = Awaited<ReturnType<typeof startIndexer>> & {
  /** The options it was started with: pass them again to restart it on the same data. */
  options: IndexerOptions;
};

export type Stack = {
  node: RunningNode;
  dir: string;
  deployment: Deployment;
  indexer: (options?: Partial<IndexerOptions>) => Promise<StackIndexer>;
  stop: () => Promise<void>;
};

// One `hardhat run` at a time: each brings the build up to date first, and two at once race on
// Hardhat's compile cache (one renames cache/compile-cache.json.tmp away under the other: ENOENT).
let deploying: Promise<unknown> = Promise.resolve();

/** Deploys to `node` (its chain type's network) into `dir`; returns the parsed deployment file. */
async function deployTo(node: RunningNode, dir: string): Promise<Deployment> {
  const network = node.chainType === "op" ? "localhostOp" : "localhost";
  const run = deploying.then(() =>
    runToEnd(process.execPath, [HARDHAT_BIN, "run", "scripts/deploy.ts", "--network", network], {
      STIGMERGY_RPC_URL: node.url,
      STIGMERGY_DEPLOYMENTS_DIR: dir,
    }),
  );
  deploying = run.catch(() => {});
  const deployed = await run;
  if (deployed.code !== 0) throw new Error(`deploy to ${network} failed:\n${deployed.output}`);
  const path = join(dir, `${node.chainId}.json`);
  return parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
}

/** Starts a node on a free port and deploys to it (deployment file in a temporary directory). */
export async function startStack(): Promise<Stack> {
  const node = await startHardhatNode(await freePort());
  const dir = mkdtempSync(join(tmpdir(), "stigmergy-e2e-"));
  let deployment: Deployment;
  try {
    deployment = await deployTo(node, dir);
  } catch (error) {
    await node.stop();
    throw error;
  }
  const indexers: { stop: () => Promise<void> }[] = [];
  let count = 0;
  return {
    node,
    dir,
    deployment,
    indexer: async (overrides = {}) => {
      const options: IndexerOptions = {
        rpcUrl: node.url,
        deploymentsDir: dir,
        port: await freePort(),
        pgliteDir: join(dir, `pglite-${count}`, "ponder"),
        ...overrides,
        env: { STIGMERGY_WEBHOOK_DIR: join(dir, `pglite-${count++}`, "webhooks"), ...overrides.env },
      };
      const running = await startIndexer(options);
      indexers.push(running);
      return { ...running, options };
    },
    stop: async () => {
      for (const i of indexers) await i.stop();
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stops an indexer and starts it again on the same data, optionally with more environment. */
export async function restartIndexer(indexer: StackIndexer, env: NodeJS.ProcessEnv = {}): Promise<StackIndexer> {
  await indexer.stop();
  const options = { ...indexer.options, env: { ...indexer.options.env, ...env } };
  return { ...(await startIndexer(options)), options };
}

/** Two local chains, each deployed to, and indexers following both. */
export type ChainsStack = {
  dir: string;
  /** The running nodes: `l1` (chain 31337) and `op` (chain 31338, an OP stack). */
  nodes: Record<LocalChainType, RunningNode>;
  deployments: Record<LocalChainType, Deployment>;
  /** The chain list an indexer of both is given (STIGMERGY_CHAINS), for the nodes running now. */
  chains: () => { name: LocalChainType; id: number; rpc: string }[];
  /** Starts an indexer following both chains (a fresh database each time unless `pgliteDir` is given). */
  indexer: (options?: Partial<IndexerOptions>) => Promise<StackIndexer>;
  /**
   * Replaces a chain's node by a fresh one (the same chain id, a new genesis: a restarted devnet)
   * and deploys to it again. Indexers started before still follow the old node.
   */
  restartChain: (chain: LocalChainType) => Promise<void>;
  stop: () => Promise<void>;
};

/** Starts an `l1` and an `op` node on free ports and deploys to both (one temporary deployments directory). */
export async function startChainsStack(): Promise<ChainsStack> {
  const dir = mkdtempSync(join(tmpdir(), "stigmergy-chains-"));
  const started: RunningNode[] = [];
  const indexers: { stop: () => Promise<void> }[] = [];
  const nodes = {} as Record<LocalChainType, RunningNode>;
  const deployments = {} as Record<LocalChainType, Deployment>;
  const start = async (type: LocalChainType) => {
    const node = await startHardhatNode(await freePort(), () => {}, { chainType: type });
    started.push(node);
    nodes[type] = node;
    deployments[type] = await deployTo(node, dir);
  };
  const stop = async () => {
    for (const i of indexers) await i.stop();
    for (const node of started) await node.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all([start("l1"), start("op")]);
  } catch (error) {
    await stop();
    throw error;
  }
  const chains = () => (["l1", "op"] as const).map((name) => ({ name, id: nodes[name].chainId, rpc: nodes[name].url }));
  let count = 0;
  return {
    dir,
    nodes,
    deployments,
    chains,
    indexer: async (overrides = {}) => {
      const n = count++;
      const options: IndexerOptions = {
        rpcUrl: nodes.l1.url,
        deploymentsDir: dir,
        port: await freePort(),
        pgliteDir: join(dir, `pglite-${n}`, "ponder"),
        ...overrides,
        env: {
          STIGMERGY_CHAINS: JSON.stringify(chains()),
          STIGMERGY_WEBHOOK_DIR: join(dir, `pglite-${n}`, "webhooks"),
          ...overrides.env,
        },
      };
      const running = await startIndexer(options);
      indexers.push(running);
      return { ...running, options };
    },
    restartChain: async (type) => {
      await nodes[type].stop();
      await start(type);
    },
    stop,
  };
}
