/**
 * The README's SDK example, run as written: the block after `<!-- doc-test:sdk-example -->` is
 * saved as a module inside the repository (so `@stigmergy/sdk` and `viem` resolve as they would
 * for a user of the workspace) and run against the shared node and indexer while another agent
 * posts a task for it.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { ROOT } from "../../scripts/lib/processes.ts";
import { MNEMONIC } from "../../scripts/lib/tasks.ts";
import { agentFor, eventually, sdkStack } from "./helpers/stack.ts";

function readmeExample(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const match = /<!-- doc-test:sdk-example -->\s*```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error("README.md has no ```ts block after <!-- doc-test:sdk-example -->");
  return match[1]!;
}

describe("sdk: the README example", () => {
  it("is at most 20 lines and does what it says: registers, then works a pushed task and submits it", async () => {
    const code = readmeExample();
    expect(code.trim().split("\n").length).to.be.at.most(20);
    const stack = await sdkStack();
    const dir = join(ROOT, "node_modules", ".cache", "stigmergy-doc-test");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "sdk-example.mts");
    writeFileSync(file, code);
    // Development account 7 (funded by the node); the example reads its key from PRIVATE_KEY.
    const account = mnemonicToAccount(MNEMONIC, { addressIndex: 7 });
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: ROOT,
      env: {
        ...process.env,
        RPC_URL: stack.node.url,
        INDEXER_URL: stack.indexerUrl,
        PRIVATE_KEY: toHex(account.getHdKey().privateKey!),
        DEPLOYMENTS_DIR: stack.dir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    try {
      const poster = await agentFor(12);
      poster.agentId ??= (await poster.identity.register({ uri: "ipfs://doc-test-poster" })).agentId;
      const example = await eventually(
        async () => {
          const list = await poster.identity.list({ capability: "summarize", limit: 500 });
          return list.find((a) => a.uri === "ipfs://my-summarizer.json" && a.owner === account.address.toLowerCase());
        },
        "the example to register",
        60_000,
      ).catch((e: Error) => Promise.reject(new Error(`${e.message}; its output:\n${output}`)));
      await poster.tasks.post({ specURI: "ipfs://doc-test-document", maxReward: 1_000n, capability: "summarize" });
      const line = await eventually(
        () => /submitted task (\d+)/.exec(output) ?? undefined,
        "the example to submit",
        60_000,
      ).catch((e: Error) => Promise.reject(new Error(`${e.message}; its output:\n${output}`)));
      const task = await eventually(async () => {
        const t = await poster.tasks.get(BigInt(line[1]!));
        return t?.status === "submitted" ? t : undefined;
      }, "the submission to be indexed");
      expect(task.claimant).to.equal(example.id);
      expect(task.resultURI).to.equal(`ipfs://summary-of-${task.id}`);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
