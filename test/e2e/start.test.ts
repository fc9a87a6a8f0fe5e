import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { createPublicClient, getAddress, http } from "viem";
import { freePort, portInUse, ROOT, runToEnd } from "../../scripts/lib/processes.ts";

/** Starts `npm start` in its own process group, collecting output. */
function startMainJob(env: NodeJS.ProcessEnv) {
  const child = spawn("npm", ["start"], { cwd: ROOT, env: { ...process.env, ...env }, detached: true });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitFor(predicate: () => boolean, timeoutMs: number, what: () => string) {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting; output so far:\n${what()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
};

describe("`npm start`", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "stigmergy-start-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("starts a node, deploys, prints live addresses, keeps running, and stops cleanly on Ctrl-C", async () => {
    const port = await freePort();
    const job = startMainJob({ STIGMERGY_RPC_PORT: String(port), STIGMERGY_DEPLOYMENTS_DIR: dir });
    try {
      await waitFor(() => job.output().includes("start: ready"), 180_000, job.output);
      const printed = [...job.output().matchAll(/^ {2}([A-Z]\w+)\s+(0x[0-9a-fA-F]{40})$/gm)];
      expect(printed.map((m) => m[1])).to.include.members(["IdentityRegistry", "StakeManager", "LeaderElection", "LockManager"]);
      const client = createPublicClient({ transport: http(`http://127.0.0.1:${port}`) });
      for (const [, , address] of printed) {
        expect((await client.getCode({ address: getAddress(address!) }))?.length ?? 0).to.be.greaterThan(2);
      }
      // Still serving a moment later: it keeps running.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await client.getChainId()).to.equal(31337);

      killGroup(job.child, "SIGINT");
      await job.exited;
      expect(job.output()).to.include("stopping the node");
      expect(await portInUse(port)).to.equal(false);
    } finally {
      killGroup(job.child, "SIGKILL");
    }
  });

  it("refuses a busy port with exit code 2 and says why", async () => {
    const port = await freePort();
    const blocker: Server = createServer().listen(port, "127.0.0.1");
    try {
      const { code, output } = await runToEnd("npx", ["tsx", "scripts/start.ts"], { STIGMERGY_RPC_PORT: String(port) });
      expect(code).to.equal(2);
      expect(output).to.include(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("--help explains the command and exits 0", async () => {
    const { code, output } = await runToEnd("npx", ["tsx", "scripts/start.ts", "--help"]);
    expect(code).to.equal(0);
    expect(output).to.include("Usage: npm start");
  });
});
