/** A local stack for end-to-end tests: a Hardhat node, a deployment, and indexers. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, HARDHAT_BIN, type RunningNode, runToEnd, startHardhatNode, startIndexer, type IndexerOptions } from "./processes.ts";
import { type Deployment, parseDeployment } from "../../sdk/src/index.ts";

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

/** Starts a node on a free port and deploys to it (deployment file in a temporary directory). */
export async function startStack(): Promise<Stack> {
  const node = await startHardhatNode(await freePort());
  const dir = mkdtempSync(join(tmpdir(), "stigmergy-e2e-"));
  const deployed = await runToEnd(process.execPath, [HARDHAT_BIN, "run", "scripts/deploy.ts", "--network", "localhost"], {
    STIGMERGY_RPC_URL: node.url,
    STIGMERGY_DEPLOYMENTS_DIR: dir,
  });
  if (deployed.code !== 0) {
    await node.stop();
    throw new Error(`deploy failed:\n${deployed.output}`);
  }
  const path = join(dir, `${node.chainId}.json`);
  const deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
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
