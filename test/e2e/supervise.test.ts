import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import { checkConsistency, waitForIndexer } from "../../scripts/lib/oracle.ts";
import { freePort, portInUse, startIndexer, waitForHttp } from "../../scripts/lib/processes.ts";
import { type Receiver, startReceiver, subscribe } from "../../scripts/lib/receiver.ts";
import { type Stack, type StackIndexer, startStack } from "../../scripts/lib/stack.ts";
import { mineBlocks, taskPoster } from "../../scripts/lib/tasks.ts";
import { runWorkload } from "../../scripts/lib/workload.ts";

const SECRET = "supervisor-test-secret";
/** The supervisor's one line about a rebuild, for `reason` (every occurrence). */
const REBUILDING = (reason: RegExp) =>
  new RegExp(
    `cannot be resumed \\(${reason.source}\\); moved it to \\S+\\.previous and rebuilding it from the chain`,
    "g",
  );

/** Ponder's checkpoint string (ponder/src/utils/checkpoint.ts) of the start of a block. */
const checkpointOf = (block: { timestamp: bigint; number: bigint }, chainId: number) =>
  block.timestamp.toString().padStart(10, "0") +
  chainId.toString().padStart(16, "0") +
  block.number.toString().padStart(16, "0") +
  "0".repeat(16 + 1 + 16);

/**
 * The indexer's supervisor (indexer/supervise.ts) on the default database: an index that cannot be
 * resumed is moved aside and rebuilt from the chain with one log line, webhook subscriptions kept;
 * one indexer per PGlite directory; Ponder never outlives its supervisor.
 */
describe("the indexer's supervisor (embedded database)", function () {
  this.timeout(600_000);
  let stack: Stack;
  let receiver: Receiver;

  before(async () => {
    stack = await startStack();
    receiver = await startReceiver();
    await runWorkload({ rpcUrl: stack.node.url, deployment: stack.deployment, seed: 5, rounds: 40 });
    await mineBlocks(stack.node.url, 40); // the workload's blocks fall past Ponder's finality window (30 blocks)
  });
  after(async () => {
    await receiver?.close();
    await stack?.stop();
  });

  /** Starts an indexer, lets it catch up, subscribes, and stops it cleanly. */
  async function indexedThenStopped(): Promise<{ indexer: StackIndexer; webhook: string }> {
    const indexer = await stack.indexer();
    await waitForIndexer(indexer.url, stack.node.url);
    const webhook = await subscribe(indexer.url, {
      url: receiver.url,
      secret: SECRET,
      filter: { events: ["TaskPosted"] },
    });
    await indexer.stop();
    return { indexer, webhook };
  }

  /** Restarts on the same data, collecting the output; resolves once /readyz answers. */
  async function restart(indexer: StackIndexer) {
    let output = "";
    const again = await startIndexer({ ...indexer.options, onOutput: (c) => (output += c) });
    return { again, output: () => output };
  }

  async function expectRebuiltAndRight(again: Awaited<ReturnType<typeof startIndexer>>, webhook: string) {
    await waitForIndexer(again.url, stack.node.url);
    const problems = await checkConsistency(again.url, stack.node.url, stack.deployment);
    expect(problems, problems.slice(0, 10).join("\n")).to.deep.equal([]);
    const listed = (await (await fetch(`${again.url}/webhooks`)).json()) as { webhooks: { id: string }[] };
    expect(
      listed.webhooks.map((w) => w.id),
      "the webhook store is kept",
    ).to.include(webhook);
  }

  it(
    "an index whose files PGlite cannot open is moved aside and rebuilt from the chain, " +
      "with one log line; webhook subscriptions are kept",
    async () => {
      const { indexer, webhook } = await indexedThenStopped();
      const dir = indexer.options.pgliteDir!;
      writeFileSync(join(dir, "global", "pg_control"), Buffer.alloc(8_192, 7)); // a torn control file
      const { again, output } = await restart(indexer);
      try {
        expect(output().match(REBUILDING(/PGlite cannot open its files/)), output()).to.have.length(1);
        expect(existsSync(`${dir}.previous`)).to.equal(true);
        await expectRebuiltAndRight(again, webhook);
      } finally {
        await again.stop();
      }
    },
  );

  it(
    "an index holding rows past its checkpoint (what a non-atomic flush left behind) " +
      "is recognised by the primary-key conflict and rebuilt",
    async () => {
      const { indexer, webhook } = await indexedThenStopped();
      const dir = indexer.options.pgliteDir!;
      // Rewind the checkpoint to the deployment's first block: every row after it is now "unaccounted".
      const start = await fetch(stack.node.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "eth_getBlockByNumber",
          params: [`0x${stack.deployment.startBlock.toString(16)}`, false],
        }),
      }).then((r) => r.json() as Promise<{ result: { timestamp: string; number: string } }>);
      const checkpoint = checkpointOf(
        { timestamp: BigInt(start.result.timestamp), number: BigInt(start.result.number) },
        stack.node.chainId,
      );
      const db = new PGlite(dir);
      await db.query(
        `UPDATE public._ponder_checkpoint SET latest_checkpoint = $1, safe_checkpoint = $1, finalized_checkpoint = $1`,
        [checkpoint],
      );
      await db.close();
      const { again, output } = await restart(indexer);
      try {
        expect(output()).to.match(/violates unique constraint|UniqueConstraintError/);
        expect(
          output().match(REBUILDING(/it holds rows without the checkpoint that covers them/)),
          output(),
        ).to.have.length(1);
        await expectRebuiltAndRight(again, webhook);
      } finally {
        await again.stop();
      }
    },
  );

  it("a setting the Ponder patch could only ignore (STIGMERGY_SSE_KEEPALIVE_MS=15s) exit code 2", async () => {
    const bad: [string, string, string][] = [
      ["STIGMERGY_SSE_KEEPALIVE_MS", "15s", "0 (off) or a whole number from 10 to 2147483647"],
      ["STIGMERGY_SSE_KEEPALIVE_MS", "99999999999", "0 (off) or a whole number from 10"],
      ["STIGMERGY_WS_RESUBSCRIBE_MS", "0", "a whole number from 1000"],
      ["STIGMERGY_MAX_LIVE_QUERIES", "-1", "a whole number from 1"],
    ];
    for (const [name, value, expected] of bad) {
      let output = "";
      const options = {
        rpcUrl: stack.node.url,
        deploymentsDir: stack.dir,
        port: await freePort(),
        env: { [name]: value },
        onOutput: (c: string) => {
          output += c;
        },
      };
      const failure = await startIndexer(options).then(
        async (started) => {
          await started.stop();
          return undefined;
        },
        (error: Error) => error,
      );
      expect(failure?.message ?? "started", `${name}=${value}: ${output}`).to.match(/exited early \(code 2\)/);
      expect(output).to.include(`${name} is "${value}": expected ${expected}`);
    }
  });

  it("a second indexer on the same PGlite directory is refused with exit code 2 before opening the files", async () => {
    const first = await stack.indexer();
    try {
      let output = "";
      const second = startIndexer({ ...first.options, port: await freePort(), onOutput: (c) => (output += c) });
      const failure = await second.then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure?.message ?? "started", output).to.match(/exited early \(code 2\)/);
      expect(output).to.include(
        `another indexer (pid ${first.process.pid}) is using the embedded database in ${first.options.pgliteDir}`,
      );
      await waitForHttp(`${first.url}/readyz`, 60_000); // the first indexer goes on serving
    } finally {
      await first.stop();
    }
  });

  it(
    "Ponder stops when its supervisor is killed with SIGKILL (no orphan holds the database or the port), " +
      "and the next start resumes without waiting out the dead lock",
    async () => {
      const indexer = await stack.indexer();
      const children = readFileSync(`/proc/${indexer.process.pid}/task/${indexer.process.pid}/children`, "utf8")
        .trim()
        .split(/\s+/)
        .map(Number);
      expect(children).to.have.length(1);
      const ponder = children[0]!;
      process.kill(indexer.process.pid!, "SIGKILL");
      const alive = () => {
        try {
          process.kill(ponder, 0);
          return true;
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
      expect(alive(), "Ponder outlived its supervisor").to.equal(false);
      expect(await portInUse(indexer.port)).to.equal(false);

      // Killed again, all at once this time: the restart finds a dead lock and does not wait it out.
      const second = await startIndexer({ ...indexer.options });
      await waitForIndexer(second.url, stack.node.url);
      await second.kill();
      const { again, output } = await restart(indexer);
      try {
        await taskPoster(stack.node.url, stack.deployment.contracts.TaskBoard!, 14)();
        await waitForIndexer(again.url, stack.node.url);
        expect(output()).to.not.match(/Schema is locked by a different Ponder app/);
        expect(output()).to.not.match(/cannot be resumed/);
      } finally {
        await again.stop();
      }
    },
  );
});
