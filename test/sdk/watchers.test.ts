import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { ROOT } from "../../scripts/lib/processes.ts";
import { agentFor, sdkStack } from "./helpers/stack.ts";

describe("sdk: watchers", () => {
  it("leave no timer or socket behind: a process that unsubscribes every watcher exits by itself", async () => {
    const stack = await sdkStack();
    const agent = await agentFor(18);
    await agent.identity.register({ uri: "ipfs://watcher" });
    const { groupId } = await agent.election.createGroup({ name: "watched", epochDuration: 600, heartbeatTimeout: 60 });
    const { taskId } = await agent.tasks.post({ specURI: "ipfs://watched-task", maxReward: 1n });
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test/sdk/fixtures/watch-and-leave.ts")], {
      cwd: ROOT,
      env: {
        ...process.env,
        RPC_URL: stack.node.url,
        INDEXER_URL: stack.indexerUrl,
        DEPLOYMENT: readFileSync(join(stack.dir, `${stack.node.chainId}.json`), "utf8"),
        GROUP_ID: String(groupId),
        TASK_ID: String(taskId),
        AGENT_ID: String(agent.agentId),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve("still running 60 s after start: something kept the event loop alive");
      }, 60_000);
      child.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c ?? "killed");
      });
    });
    expect(code, output).to.equal(0);
    expect(output).to.contain("unsubscribed (indexer)");
    expect(output).to.contain("unsubscribed (node)");
  });
});
