/**
 * Indexer benchmarks on a real Hardhat node and a real Ponder process: the backfill of an ordinary
 * workload (many blocks of one or two events: bound by JSON-RPC calls), backfill throughput (events
 * per second over at least 20,000 events in few blocks) and the latency from a transaction's receipt
 * to the row being pushed over a /sql live query. Reported, never asserted.
 */

import { readFileSync } from "node:fs";
import { createClient, desc, eq } from "@ponder/client";
import { createPublicClient, createWalletClient, http, keccak256, toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { deployContract } from "viem/actions";
import * as schema from "../indexer/ponder.schema.ts";
import { waitForIndexer } from "../scripts/lib/oracle.ts";
import { startStack } from "../scripts/lib/stack.ts";
import { MNEMONIC, runWorkload } from "../scripts/lib/workload.ts";
import { abis } from "../sdk/src/index.ts";

type Backfill = { events: number; blocks: number; seconds: number; eventsPerSecond: number };

export type IndexerBench = {
  /** A seeded workload on every contract: blocks of one or two events. */
  workload: Backfill;
  /** 20,000+ messages, 400 to a transaction. */
  backfill: Backfill;
  latency: { samples: number; medianMs: number; p95Ms: number; pollingIntervalMs: number };
};

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

export async function measureIndexer(
  options: { events?: number; samples?: number; log?: (line: string) => void } = {},
): Promise<IndexerBench> {
  const log = options.log ?? (() => {});
  const target = options.events ?? 20_000;
  const stack = await startStack();
  try {
    const transport = http(stack.node.url);
    const publicClient = createPublicClient({ transport });
    const c = stack.deployment.contracts;
    const addresses = Object.values(c).filter((a) => a !== c.StakeToken);
    /** The contracts' logs and blocks so far, and how long a fresh indexer takes to catch up with them. */
    const backfill = async () => {
      const blocks = Number(await publicClient.getBlockNumber());
      let events = 0;
      for (let from = stack.deployment.startBlock; from <= blocks; from += 10) {
        const range = { fromBlock: BigInt(from), toBlock: BigInt(Math.min(from + 9, blocks)) };
        events += (await publicClient.getLogs({ address: addresses, ...range })).length;
      }
      log(`  backfill: indexing ${events} events in ${blocks} blocks from scratch…`);
      const started = performance.now();
      const indexer = await stack.indexer({ waitForReady: false });
      await waitForIndexer(indexer.url, stack.node.url, 600_000);
      const seconds = (performance.now() - started) / 1000;
      const figures: Backfill = {
        events,
        blocks,
        seconds: Math.round(seconds * 10) / 10,
        eventsPerSecond: Math.round(events / seconds),
      };
      return { figures, indexer };
    };
    log("  backfill: a seeded workload on every contract…");
    await runWorkload({ rpcUrl: stack.node.url, deployment: stack.deployment, seed: 7, rounds: 120 });
    const workload = await backfill();
    await workload.indexer.stop();

    const wallet = createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: 3 }), transport });
    const artifact = JSON.parse(
      readFileSync(
        new URL("../artifacts/contracts/mocks/BulkMessagesMock.sol/BulkMessagesMock.json", import.meta.url),
        "utf8",
      ),
    ) as { abi: never; bytecode: `0x${string}` };
    const deployHash = await deployContract(wallet, {
      abi: artifact.abi,
      bytecode: artifact.bytecode,
      args: [c.IdentityRegistry!, c.MessageBus!] as never,
      chain: null,
    });
    const bulk = (await publicClient.waitForTransactionReceipt({ hash: deployHash })).contractAddress!;

    // Backfill: ~20,000 ChannelMessage events (each also one activity row), then a fresh indexer.
    const perTx = 400;
    const channel = keccak256(toHex("bench"));
    for (let sent = 0; sent < target; sent += perTx) {
      const hash = await wallet.writeContract({
        address: bulk,
        abi: artifact.abi,
        functionName: "postMany" as never,
        args: [channel, BigInt(perTx), toHex("x".repeat(32))] as never,
        gas: 16_000_000n,
        chain: null,
      });
      await publicClient.waitForTransactionReceipt({ hash });
      if (sent % 4_000 === 0) log(`  backfill: ${sent + perTx}/${target} messages posted`);
    }
    const messages = await backfill();
    const indexer = messages.indexer;

    // Latency: receipt -> live-query push, one post at a time.
    const client = createClient(`${indexer.url}/sql`, { schema });
    const poster = createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: 4 }), transport });
    await publicClient.waitForTransactionReceipt({
      hash: await poster.writeContract({
        address: c.IdentityRegistry!,
        abi: abis.IdentityRegistry,
        functionName: "register",
        args: ["ipfs://latency"],
        chain: null,
      }),
    });
    const agentId = await publicClient.readContract({
      address: c.IdentityRegistry!,
      abi: abis.IdentityRegistry,
      functionName: "lastAgentId",
    });
    const latencyChannel = keccak256(toHex("latency"));
    let onSeq: (seq: bigint) => void = () => {};
    // Reconnect on error: Ponder accepts live queries about a second after /ready.
    let subscription = { unsubscribe: () => {} };
    const subscribe = () => {
      subscription = client.live(
        (db) =>
          db
            .select({ seq: schema.message.seq })
            .from(schema.message)
            .where(eq(schema.message.channel, latencyChannel))
            .orderBy(desc(schema.message.seq))
            .limit(1),
        (rows) => onSeq(rows[0]?.seq ?? 0n),
        () => setTimeout(subscribe, 250),
      );
    };
    subscribe();
    await new Promise((r) => setTimeout(r, 2_000));
    const samples: number[] = [];
    for (let i = 1; i <= (options.samples ?? 40); i++) {
      const pushed = new Promise<number>((resolve) => {
        onSeq = (seq) => {
          if (seq === BigInt(i)) resolve(performance.now());
        };
      });
      const hash = await poster.writeContract({
        address: c.MessageBus!,
        abi: abis.MessageBus,
        functionName: "post",
        args: [agentId, latencyChannel, toHex(`sample ${i}`)],
        chain: null,
      });
      await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 10 });
      const receiptAt = performance.now();
      samples.push(Math.max(0, (await pushed) - receiptAt));
    }
    subscription.unsubscribe();
    return {
      workload: workload.figures,
      backfill: messages.figures,
      latency: {
        samples: samples.length,
        medianMs: Math.round(quantile(samples, 0.5)),
        p95Ms: Math.round(quantile(samples, 0.95)),
        pollingIntervalMs: 250,
      },
    };
  } finally {
    await stack.stop();
  }
}
