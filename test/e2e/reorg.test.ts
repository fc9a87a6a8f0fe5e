import { abis } from "@stigmergy/contracts";
import { expect } from "chai";
import { createPublicClient, createWalletClient, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { checkConsistency, dumpTables, waitForIndexer } from "../../scripts/lib/oracle.ts";
import { waitForHttp } from "../../scripts/lib/processes.ts";
import { type Receiver, startReceiver, subscribe } from "../../scripts/lib/receiver.ts";
import { type Stack, type StackIndexer, startStack } from "../../scripts/lib/stack.ts";
import { MNEMONIC, mineBlocks, type PostTask, plainTask, rpc, taskPoster } from "../../scripts/lib/tasks.ts";

const FAST = { STIGMERGY_WEBHOOK_BACKOFF_MS: "200", STIGMERGY_WEBHOOK_BACKOFF_CAP_MS: "1000" };
const SECRET = "reorg-test-secret-0123";

type Delivered = {
  id: string;
  type: string;
  event?: { id: string; name: string; blockNumber: string; blockHash: string };
  removed?: { deliveryId: string; eventId: string; blockHash: string };
};

describe("reorgs", () => {
  let stack: Stack;
  let indexer: StackIndexer;
  let receiver: Receiver;
  let postTask: PostTask;

  before(async () => {
    stack = await startStack();
    receiver = await startReceiver();
    indexer = await stack.indexer({ env: FAST });
    postTask = taskPoster(stack.node.url, stack.deployment.contracts.TaskBoard!, 11);
    await subscribe(indexer.url, { url: receiver.url, secret: SECRET, filter: { events: ["TaskPosted"] } });
  });
  after(async () => {
    await receiver?.close();
    await stack?.stop();
  });

  const deliveries = () => receiver.received.filter((r) => r.status === 200).map((r) => r.json as unknown as Delivered);
  const blockHash = async (n: string | bigint) =>
    (await rpc<{ hash: string } | null>(stack.node.url, "eth_getBlockByNumber", [`0x${BigInt(n).toString(16)}`, false]))
      ?.hash;

  it(
    "after a reorg shallower than the finality window, rows equal the chain and a fresh re-index, " +
      "and removed events get `removed` notices",
    async () => {
      await postTask({ specURI: "ipfs://kept-1" });
      await postTask({ specURI: "ipfs://kept-2" });
      const snapshot = await rpc<string>(stack.node.url, "evm_snapshot");
      for (let i = 1; i <= 4; i++) await postTask({ specURI: `ipfs://orphan-${i}` });
      await waitForIndexer(indexer.url, stack.node.url);
      await receiver.waitFor(() => deliveries().filter((d) => d.type === "event").length >= 6);

      // A different history from the snapshot on: two other tasks and more blocks than the old branch.
      expect(await rpc<boolean>(stack.node.url, "evm_revert", [snapshot])).to.equal(true);
      await postTask({ specURI: "ipfs://new-1" });
      await postTask({ specURI: "ipfs://new-2" });
      await mineBlocks(stack.node.url, 8);
      await waitForIndexer(indexer.url, stack.node.url);

      const problems = await checkConsistency(indexer.url, stack.node.url, stack.deployment);
      expect(problems, problems.join("\n")).to.deep.equal([]);

      // Every delivered event off the canonical chain is followed by a removal notice for its delivery;
      // every canonical TaskPosted was delivered; nothing canonical was declared removed.
      await receiver.waitFor(() => deliveries().filter((d) => d.type === "removed").length >= 4, 30_000);
      await receiver.waitFor(() => deliveries().filter((d) => d.type === "event").length >= 8, 30_000);
      const events = deliveries().filter((d) => d.type === "event");
      const removed = new Set(
        deliveries()
          .filter((d) => d.type === "removed")
          .map((d) => d.removed!.deliveryId),
      );
      let orphans = 0;
      for (const d of events) {
        const canonical = (await blockHash(d.event!.blockNumber)) === d.event!.blockHash;
        if (!canonical) orphans++;
        expect(removed.has(d.id), `delivery ${d.id} (${canonical ? "canonical" : "orphaned"})`).to.equal(!canonical);
      }
      expect(orphans).to.equal(4);
      expect(events.filter((d) => removed.has(d.id))).to.have.length(4);

      const fresh = await stack.indexer();
      await waitForIndexer(fresh.url, stack.node.url);
      const [a, b] = await Promise.all([dumpTables(indexer.url), dumpTables(fresh.url)]);
      for (const table of Object.keys(a)) expect(a[table], `table ${table}`).to.equal(b[table]);
      await fresh.stop();
    },
  );

  it(
    "an A→B→A flip delivers the event again when it returns: `removed` for its first delivery, " +
      "then a new delivery id that names the appearance and the delivery it follows",
    async () => {
      // Block A (a task posted at a fixed time from a fixed nonce) can be mined again exactly: same hash.
      const account = mnemonicToAccount(MNEMONIC, { addressIndex: 13 });
      const wallet = createWalletClient({ account, transport: http(stack.node.url) });
      const publicClient = createPublicClient({ transport: http(stack.node.url), pollingInterval: 50 });
      const nonce = await publicClient.getTransactionCount({ address: account.address });
      const at = Number((await publicClient.getBlock()).timestamp) + 60;
      const spec = plainTask({ specURI: "ipfs://flip", deadline: BigInt(at) + 86_400n });
      const mineA = async () => {
        await rpc(stack.node.url, "evm_setNextBlockTimestamp", [at]);
        const hash = await wallet.writeContract({
          chain: null,
          address: stack.deployment.contracts.TaskBoard!,
          abi: abis.TaskBoard,
          functionName: "postTask",
          args: [spec],
          value: 1n,
          nonce,
          gas: 500_000n,
          maxFeePerGas: 10n ** 10n,
          maxPriorityFeePerGas: 1n,
        });
        return publicClient.waitForTransactionReceipt({ hash });
      };
      const before = deliveries().length;
      const fresh = () => deliveries().slice(before);

      const s0 = await rpc<string>(stack.node.url, "evm_snapshot");
      const a = await mineA();
      await waitForIndexer(indexer.url, stack.node.url);
      const first = await receiver.waitFor(
        (r) => (r.json as Delivered).type === "event" && (r.json as Delivered).event!.blockHash === a.blockHash,
        30_000,
      );
      const firstId = (first.json as Delivered).id;

      // B: another block at A's height, and more blocks on top: A is reorganised away.
      expect(await rpc<boolean>(stack.node.url, "evm_revert", [s0])).to.equal(true);
      const s1 = await rpc<string>(stack.node.url, "evm_snapshot");
      await rpc(stack.node.url, "evm_setNextBlockTimestamp", [at + 1]);
      await mineBlocks(stack.node.url, 3);
      await waitForIndexer(indexer.url, stack.node.url);
      await receiver.waitFor(
        (r) => (r.json as Delivered).type === "removed" && (r.json as Delivered).removed!.deliveryId === firstId,
        30_000,
      );

      // A again, exactly, and a longer chain on top of it: the event is back.
      expect(await rpc<boolean>(stack.node.url, "evm_revert", [s1])).to.equal(true);
      const again = await mineA();
      expect(again.blockHash).to.equal(a.blockHash);
      await mineBlocks(stack.node.url, 5);
      await waitForIndexer(indexer.url, stack.node.url);
      const back = await receiver.waitFor(
        (r) =>
          (r.json as Delivered).type === "event" &&
          (r.json as Delivered).event!.blockHash === a.blockHash &&
          (r.json as Delivered).id !== firstId,
        30_000,
      );
      const returned = back.json as Delivered & { appearance?: number; follows?: string };
      expect(returned.event!.id).to.equal((first.json as Delivered).event!.id);
      expect(returned.appearance).to.equal(1);
      expect(returned.follows).to.equal(firstId);
      expect(back.headers["x-stigmergy-delivery"]).to.equal(returned.id);
      // Exactly: the first delivery, its removal, the return; nothing else about this event.
      const about = fresh().filter(
        (d) => (d.type === "event" ? d.event!.blockHash : d.removed?.blockHash) === a.blockHash,
      );
      expect(about.map((d) => d.type)).to.deep.equal(["event", "removed", "event"]);

      const problems = await checkConsistency(indexer.url, stack.node.url, stack.deployment);
      expect(problems, problems.join("\n")).to.deep.equal([]);
    },
  );

  it(
    "with STIGMERGY_WEBHOOK_CONFIRMATIONS=3 an event is delivered once 3 blocks are on top of it, " +
      "so a shallower reorg never reaches the subscriber",
    async () => {
      const confirmed = await startReceiver();
      const careful = await stack.indexer({ env: { ...FAST, STIGMERGY_WEBHOOK_CONFIRMATIONS: "3" } });
      await subscribe(careful.url, { url: confirmed.url, secret: SECRET, filter: { events: ["TaskPosted"] } });
      // Only this test's events: the subscription may still be handed older ones the indexer had not
      // yet marked as seen.
      const from = Number(await rpc<string>(stack.node.url, "eth_blockNumber"));
      const events = () =>
        confirmed.received
          .filter((r) => r.status === 200)
          .map((r) => r.json as unknown as Delivered)
          .filter((d) => d.type !== "event" || Number(d.event!.blockNumber) > from);
      /** Waits for the indexer to pass the head, then a little longer than the dispatcher's 250 ms tick. */
      const settle = async () => {
        await waitForIndexer(careful.url, stack.node.url);
        await new Promise((r) => setTimeout(r, 1_500));
      };
      try {
        const snapshot = await rpc<string>(stack.node.url, "evm_snapshot");
        const orphan = await postTask({ specURI: "ipfs://unconfirmed" });
        await mineBlocks(stack.node.url, 2); // two blocks on top: not yet confirmed
        await settle();
        expect(events()).to.have.length(0);

        await rpc(stack.node.url, "evm_revert", [snapshot]);
        const kept = await postTask({ specURI: "ipfs://confirmed" });
        await mineBlocks(stack.node.url, 2);
        await settle();
        expect(events()).to.have.length(0);
        await mineBlocks(stack.node.url, 1); // the third block on top
        await confirmed.waitFor(() => events().length >= 1, 30_000);
        await settle();
        const delivered = events();
        expect(delivered.map((d) => [d.type, d.event?.blockHash])).to.deep.equal([["event", kept.blockHash]]);
        expect(delivered.some((d) => d.event?.blockHash === orphan.blockHash)).to.equal(false);
      } finally {
        await careful.stop();
        await confirmed.close();
      }
    },
  );

  it(
    "a reorg deeper than the finality window makes /readyz 503 at once; Ponder stops with exit code 3 naming " +
      "the changed block, and on the embedded database its supervisor rebuilds the index from the chain by itself",
    async () => {
      let output = "";
      // The grace outlasts the test's own steps after the revert (a post, three blocks, the /readyz polls),
      // so the 503 is seen before the process exits even on a loaded machine.
      const grace = { STIGMERGY_REORG_GRACE_MS: "15000" };
      const deep = await stack.indexer({ env: grace, onOutput: (c) => (output += c) });
      const snapshot = await rpc<string>(stack.node.url, "evm_snapshot");
      const orphan = await postTask({ specURI: "ipfs://deep-orphan" });
      await mineBlocks(stack.node.url, 70); // past Ponder's finality window (30 blocks on chain 31337), twice over
      await waitForIndexer(deep.url, stack.node.url);

      // The new history is shorter than the old: only a hash check can tell the index is wrong.
      await rpc(stack.node.url, "evm_revert", [snapshot]);
      await postTask({ specURI: "ipfs://deep-new" });
      await mineBlocks(stack.node.url, 3);
      // Answers are reused for up to 500 ms: ask until the first probe after the revert has run.
      type Ready = { status: number; body: { reason: string; canonical: { block: number; indexedHash: string } } };
      let ready: Ready = { status: 0, body: { reason: "", canonical: { block: 0, indexedHash: "" } } };
      const offChain = () => ready.status === 503 && /off the canonical chain/.test(ready.body.reason);
      for (let i = 0; i < 40 && !offChain(); i++) {
        const res = await fetch(`${deep.url}/readyz`);
        ready = { status: res.status, body: (await res.json()) as Ready["body"] };
        if (!offChain()) await new Promise((r) => setTimeout(r, 250));
      }
      const body = ready.body;
      expect(ready.status).to.equal(503);
      expect(body.reason).to.match(/off the canonical chain/);
      expect(body.canonical).to.deep.include({ block: Number(orphan.blockNumber), indexedHash: orphan.blockHash });

      // Ponder exits with code 3; the supervisor moves the index aside and starts again on a fresh one.
      const rebuilding = new RegExp(
        /cannot be resumed \(a reorg deeper than the finality window took its blocks off /.source +
          /the canonical chain\); moved it to \S+\.previous and rebuilding it from the chain/.source,
      );
      for (let i = 0; i < 240 && !rebuilding.test(output); i++) await new Promise((r) => setTimeout(r, 250));
      expect(output).to.include(`block ${orphan.blockNumber} was ${orphan.blockHash} when indexed`);
      expect(output).to.match(/reorg deeper than the finality window/);
      expect(output).to.match(rebuilding);
      expect(deep.process.exitCode, "the supervisor keeps running").to.equal(null);
      await waitForHttp(`${deep.url}/readyz`, 180_000).catch((error: Error) => {
        throw new Error(`${error.message}\n${output.slice(-3_000)}`);
      });
      await waitForIndexer(deep.url, stack.node.url);
      const problems = await checkConsistency(deep.url, stack.node.url, stack.deployment);
      expect(problems, problems.join("\n")).to.deep.equal([]);
      await deep.stop();
    },
  );
});
