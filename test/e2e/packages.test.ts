/**
 * The packages as users meet them: `npm pack`ed, installed from the tarballs into scratch projects
 * outside the workspace (dependencies from the npm registry, as any user gets them).
 *
 * - @stigmergy/contracts in a fresh Hardhat 3 project: a contract of the project imports
 *   `@stigmergy/contracts/interfaces/ITaskBoard.sol`, compiles with the project's own compiler, and
 *   the project's test deploys the whole system with the package's fixture and uses it.
 * - @stigmergy/sdk in a fresh project: the README's 20-line agent runs as written against a node and
 *   an indexer, and works a task another agent posts.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  parseEventLogs,
  toHex,
  zeroAddress,
  zeroHash,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { ROOT, runToEnd } from "../../scripts/lib/processes.ts";
import { startStack } from "../../scripts/lib/stack.ts";
import { MNEMONIC } from "../../scripts/lib/tasks.ts";
import { abis } from "../../sdk/src/index.ts";

const rootPackage = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  devDependencies: Record<string, string>;
};
/** The versions the workspace itself is tested with (so the scratch projects get the same). */
const pinned = (name: string) => rootPackage.devDependencies[name] ?? "latest";

function readmeExample(): string {
  const match = /<!-- doc-test:sdk-example -->\s*```ts\n([\s\S]*?)```/.exec(
    readFileSync(join(ROOT, "README.md"), "utf8"),
  );
  if (!match) throw new Error("README.md has no ```ts block after <!-- doc-test:sdk-example -->");
  return match[1]!;
}

async function npm(args: string[], cwd: string): Promise<string> {
  const run = await runToEnd("npm", args, {}, cwd);
  if (run.code !== 0)
    throw new Error(`npm ${args.join(" ")} failed (${run.code}) in ${cwd}:\n${run.output.slice(-4_000)}`);
  return run.output;
}

describe("the packages, installed from their tarballs", function () {
  this.timeout(900_000);
  let work: string;
  let contractsTarball: string;
  let sdkTarball: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "stigmergy-packages-"));
    const out = await npm(
      [
        "pack",
        "--workspace",
        "@stigmergy/contracts",
        "--workspace",
        "@stigmergy/sdk",
        "--pack-destination",
        work,
        "--json",
      ],
      ROOT,
    );
    const packed = JSON.parse(out.slice(out.indexOf("["))) as { name: string; filename: string }[];
    contractsTarball = join(work, packed.find((p) => p.name === "@stigmergy/contracts")!.filename);
    sdkTarball = join(work, packed.find((p) => p.name === "@stigmergy/sdk")!.filename);
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(
    "@stigmergy/contracts: " +
      "a fresh Hardhat 3 project compiles a contract importing its interfaces and deploys the system with its fixture",
    async () => {
      const project = join(work, "hardhat-project");
      mkdirSync(join(project, "contracts"), { recursive: true });
      mkdirSync(join(project, "test"), { recursive: true });
      writeFileSync(
        join(project, "package.json"),
        JSON.stringify({
          name: "scratch-hardhat-project",
          private: true,
          type: "module",
          devDependencies: {
            "@stigmergy/contracts": `file:${contractsTarball}`,
            hardhat: pinned("hardhat"),
            "@nomicfoundation/hardhat-viem": pinned("@nomicfoundation/hardhat-viem"),
            "@nomicfoundation/hardhat-mocha": pinned("@nomicfoundation/hardhat-mocha"),
            mocha: pinned("mocha"),
            chai: pinned("chai"),
            viem: pinned("viem"),
            solc: pinned("solc"),
          },
        }),
      );
      writeFileSync(
        join(project, "hardhat.config.ts"),
        `import { createRequire } from "node:module";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { defineConfig } from "hardhat/config";

export default defineConfig({
  plugins: [hardhatViem, hardhatMocha],
  solidity: { version: "${pinned("solc")}", path: createRequire(import.meta.url).resolve("solc/soljson.js"), ` +
          `settings: { evmVersion: "prague", optimizer: { enabled: true, runs: 200 }, viaIR: true } },
});
`,
      );
      writeFileSync(
        join(project, "contracts", "TaskReader.sol"),
        `// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITaskBoard} from "@stigmergy/contracts/interfaces/ITaskBoard.sol";

/// A user's contract built on Stigmergy's published interface.
contract TaskReader {
    function statusOf(ITaskBoard board, uint256 taskId) external view returns (uint8) {
        return uint8(board.getTask(taskId).status);
    }
}
`,
      );
      writeFileSync(
        join(project, "test", "system.test.ts"),
        `import { expect } from "chai";
import { network } from "hardhat";
import { abis } from "@stigmergy/contracts";
import { deployStigmergy } from "@stigmergy/contracts/fixture";
import { keccak256, parseEventLogs, toHex, zeroAddress, zeroHash } from "viem";

describe("Stigmergy in my project", () => {
  it("deploys with one fixture call, and my contract reads a task through ITaskBoard", async () => {
    const { viem } = await network.connect();
    const publicClient = await viem.getPublicClient();
    const [walletClient] = await viem.getWalletClients();
    const deployment = await deployStigmergy({ publicClient, walletClient: walletClient! });
    expect(Object.keys(deployment.contracts)).to.include.members(["IdentityRegistry", "StakeManager", ` +
          `"LeaderElection", "TaskBoard", "MessageBus"]);
    const board = deployment.contracts.TaskBoard!;
    const deadline = (await publicClient.getBlock()).timestamp + 86_400n;
    const hash = await walletClient!.writeContract({
      address: board, abi: abis.TaskBoard, functionName: "postTask",
      args: [{ capability: zeroHash, specURI: "ipfs://mine", specHash: keccak256(toHex("mine")), ` +
          `rewardToken: zeroAddress, reward: 10n, maxReward: 10n, claimBond: 0n, minStake: 0n, abandonSlash: 0n, ` +
          `leaseDuration: 60n, notBefore: 0n, deadline, reviewWindow: 60n, approver: zeroAddress }],
      value: 10n,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const [posted] = parseEventLogs({ abi: abis.TaskBoard, logs: receipt.logs, eventName: "TaskPosted" });
    const reader = await viem.deployContract("TaskReader");
    expect(await reader.read.statusOf([board, posted!.args.taskId])).to.equal(1); // Open
  });
});
`,
      );
      await npm(["install", "--no-audit", "--no-fund", "--loglevel=error"], project);
      const test = await runToEnd("npx", ["hardhat", "test", "mocha"], {}, project);
      expect(test.code, test.output.slice(-4_000)).to.equal(0);
      expect(test.output).to.match(/1 passing/);
    },
  );

  it("@stigmergy/sdk: in a fresh project the README's 20-line agent runs as is and works a posted task", async () => {
    const project = join(work, "sdk-project");
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "scratch-agent",
        private: true,
        type: "module",
        dependencies: {
          "@stigmergy/sdk": `file:${sdkTarball}`,
          "@stigmergy/contracts": `file:${contractsTarball}`,
          viem: pinned("viem"),
        },
      }),
    );
    await npm(["install", "--no-audit", "--no-fund", "--loglevel=error"], project);
    const code = readmeExample();
    expect(code.trim().split("\n").length).to.be.at.most(20);
    writeFileSync(join(project, "agent.mts"), code);

    const stack = await startStack();
    try {
      const indexer = await stack.indexer();
      const account = mnemonicToAccount(MNEMONIC, { addressIndex: 7 });
      const child = spawn(process.execPath, ["agent.mts"], {
        cwd: project,
        env: {
          ...process.env,
          RPC_URL: stack.node.url,
          INDEXER_URL: indexer.url,
          PRIVATE_KEY: toHex(account.getHdKey().privateKey!),
          DEPLOYMENTS_DIR: stack.dir,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr.on("data", (c: Buffer) => (output += c.toString()));
      try {
        const transport = http(stack.node.url);
        const publicClient = createPublicClient({ transport });
        // The agent registers first (it declares "summarize"); then another account posts a task for it.
        const registry = stack.deployment.contracts.IdentityRegistry!;
        for (const end = Date.now() + 120_000; ; ) {
          const logs = await publicClient.getContractEvents({
            address: registry,
            abi: abis.IdentityRegistry,
            eventName: "Registered",
            fromBlock: 0n,
          });
          if (logs.some((l) => l.args.owner === account.address)) break;
          if (Date.now() > end || child.exitCode !== null) throw new Error(`the agent did not register:\n${output}`);
          await new Promise((r) => setTimeout(r, 250));
        }
        const poster = createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: 12 }), transport });
        const deadline = (await publicClient.getBlock()).timestamp + 86_400n;
        const hash = await poster.writeContract({
          chain: null,
          address: stack.deployment.contracts.TaskBoard!,
          abi: abis.TaskBoard,
          functionName: "postTask",
          args: [
            {
              capability: keccak256(toHex("summarize")),
              specURI: "ipfs://packaged-doc",
              specHash: zeroHash,
              rewardToken: zeroAddress,
              reward: 1_000n,
              maxReward: 1_000n,
              claimBond: 0n,
              minStake: 0n,
              abandonSlash: 0n,
              leaseDuration: 300n,
              notBefore: 0n,
              deadline,
              reviewWindow: 60n,
              approver: zeroAddress,
            },
          ],
          value: 1_000n,
        });
        const [posted] = parseEventLogs({
          abi: abis.TaskBoard,
          logs: (await publicClient.waitForTransactionReceipt({ hash })).logs,
          eventName: "TaskPosted",
        });
        for (const end = Date.now() + 120_000; !output.includes(`submitted task ${posted!.args.taskId}`); ) {
          if (Date.now() > end || child.exitCode !== null)
            throw new Error(`the agent did not submit task ${posted!.args.taskId}:\n${output}`);
          await new Promise((r) => setTimeout(r, 250));
        }
        const task = await publicClient.readContract({
          address: stack.deployment.contracts.TaskBoard!,
          abi: abis.TaskBoard,
          functionName: "getTask",
          args: [posted!.args.taskId],
        });
        expect(Number(task.status)).to.equal(3); // Submitted
      } finally {
        child.kill("SIGKILL");
      }
    } finally {
      await stack.stop();
    }
  });
});
