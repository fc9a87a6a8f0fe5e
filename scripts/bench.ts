/**
 * `npm run bench`: measures gas (on the l1 chain, and again on the OP-stack chain for the L1 data
 * fee beside L2 gas), the indexer, and push versus polling (latency and RPC load), prints the tables,
 * writes gas-snapshot.json and the README's bench sections. Numbers are reported here,
 * never asserted by timing tests; the gas snapshot test guards gas against regressions.
 * STIGMERGY_BENCH=gas runs only the gas section, STIGMERGY_BENCH=push only push (latency and load),
 * STIGMERGY_BENCH=indexer only the indexer's backfills and push latency,
 * STIGMERGY_BENCH=contention only the claim contention race, STIGMERGY_BENCH=time only shared time
 * (schedule.due) and the CLI's start-up, STIGMERGY_BENCH=fanout only the fan-out over the PostgreSQL
 * cluster (2,000 subscribers; needs PostgreSQL 15).
 */
import { createRequire } from "node:module";
import { network } from "hardhat";
import { contentionTable, measureContention } from "../bench/contention.ts";
import { measureCoordinationGas } from "../bench/coordination.ts";
import { fanoutTable, measureFanout } from "../bench/fanout.ts";
import type { GasSection, Measured } from "../bench/gas.ts";
import { measureIndexer } from "../bench/indexer.ts";
import { lifecycleCostTable, readOpPrices, withL1Data } from "../bench/op.ts";
import { measurePush, PUSH_PLOT, pushTable, writePushPlot } from "../bench/push.ts";
import { gasTable, machineLine, toSnapshot, updateReadme, writeSnapshot } from "../bench/report.ts";
import { measureTaskGas } from "../bench/tasks.ts";
import { measureTime, timeTables } from "../bench/time.ts";
import { measureTrustLayerGas } from "../bench/trust-layer.ts";
import { setL1FeeScalars } from "./lib/chains.ts";
import { postgresAvailable } from "./lib/postgres.ts";

const hardhatVersion = (createRequire(import.meta.url)("hardhat/package.json") as { version: string }).version;
const mode = process.env.STIGMERGY_BENCH;
const log = (line: string) => console.log(line);
const machine = machineLine(hardhatVersion);

let sections: GasSection[] = [];
if (mode === undefined || mode === "gas") {
  /** The three gas sections, measured on one chain. */
  const measureAll = async (chain: string, { viem, networkHelpers }: Awaited<ReturnType<typeof network.create>>) => {
    console.log(`bench (${chain}): measuring trust layer gas…`);
    const trust = await measureTrustLayerGas(viem, networkHelpers);
    console.log(
      `bench (${chain}): measuring staking and consensus gas (builds groups of 100, 1,000 and 10,000 members)…`,
    );
    const coordination = await measureCoordinationGas(viem, networkHelpers, [100, 1_000, 10_000], log);
    console.log(`bench (${chain}): measuring work coordination gas…`);
    return [trust, coordination, await measureTaskGas(viem, networkHelpers)];
  };
  const onL1 = await measureAll("l1", await network.create());
  // The OP-stack chain: the same calls, whose receipts add the L1 data fee.
  const op = await network.create("op");
  await setL1FeeScalars(op.provider);
  const onOp = await measureAll("op", op);
  const prices = await readOpPrices(await op.viem.getPublicClient());
  const merged = withL1Data(onL1, onOp);
  sections = merged.sections;

  const lifecycle = (name: string): Measured => sections.flatMap((s) => s.rows).find((r) => r.name === name)!;
  const costs = lifecycleCostTable(
    [
      {
        name: "plain task (no capability, no minimum stake)",
        measured: lifecycle("task lifecycle, plain task: total, ETH, flat reward, no bond"),
      },
      {
        name: "with capability + stake checks",
        measured: lifecycle(
          "task lifecycle, capability + stake checks: postTask + claim + submit + accept (the rows above), " +
            "ETH, flat reward, no bond",
        ),
      },
    ],
    prices,
  );
  const tables = [...sections.map(gasTable), costs].join("\n\n");
  console.log(`\n${tables}\n\nMeasured ${machine}.`);

  if (merged.mismatches.length > 0) {
    console.log("bench: L2 gas on the op chain differs from the l1 chain's:");
    for (const m of merged.mismatches)
      console.log(`  ${m.section} / ${m.name}: l1 ${m.l1}, op ${m.op ?? "not measured"}`);
    process.exitCode = 1;
  } else {
    console.log("bench: every call's L2 gas on the op chain equals its gas on the l1 chain (within the row's jitter)");
  }
  writeSnapshot(toSnapshot(sections));
  console.log("bench: wrote gas-snapshot.json");
  if (updateReadme("gas", `${tables}\n\n_Measured ${machine}._`)) console.log("bench: updated README.md");
}

if (mode === undefined || mode === "indexer") {
  console.log("\nbench: indexer (real node + Ponder): backfills of a workload and of 20,000+ events, then latency…");
  const r = await measureIndexer({ log });
  const table = [
    "**Indexer** (Ponder 0.16 on PGlite, Hardhat node on 127.0.0.1, polling every 250 ms)",
    "",
    "| measure | value |",
    "|---|---:|",
    `| backfill of a workload: events indexed from scratch | ${r.workload.events.toLocaleString("en-US")} in ` +
      `${r.workload.blocks.toLocaleString("en-US")} blocks |`,
    `| backfill of a workload: time to catch up | ${r.workload.seconds} s |`,
    `| backfill: events indexed from scratch | ${r.backfill.events.toLocaleString("en-US")} in ` +
      `${r.backfill.blocks.toLocaleString("en-US")} blocks |`,
    `| backfill: time to catch up | ${r.backfill.seconds} s |`,
    `| backfill: throughput | ${r.backfill.eventsPerSecond.toLocaleString("en-US")} events/s |`,
    `| receipt → row pushed over a /sql live query, median (${r.latency.samples} samples) | ${r.latency.medianMs} ms |`,
    `| receipt → row pushed over a /sql live query, p95 | ${r.latency.p95Ms} ms |`,
  ].join("\n");
  console.log(`\n${table}`);
  if (updateReadme("indexer", `${table}\n\n_Measured ${machine}._`)) console.log("bench: updated README.md (indexer)");
}

if (mode === undefined || mode === "push") {
  console.log(
    "\nbench: push (real node + Ponder): mined-to-heard latency per path, " +
      "then the node's load from 10, 100, 1,000 agents…",
  );
  const result = await measurePush({ log });
  const table = pushTable(result);
  writePushPlot(result.load);
  console.log(`\n${table}\n\nbench: wrote ${PUSH_PLOT}`);
  if (updateReadme("push", `${table}\n\n_Measured ${machine}._`)) console.log("bench: updated README.md (push)");
}

if (mode === undefined || mode === "time") {
  console.log("\nbench: shared time (schedule.due after a round can be claimed) and the CLI's start-up…");
  const table = timeTables(await measureTime({ log }));
  console.log(`\n${table}`);
  if (updateReadme("time", `${table}\n\n_Measured ${machine}._`)) console.log("bench: updated README.md (time)");
}

if (mode === undefined || mode === "contention") {
  console.log(
    "\nbench: contention (real node + Ponder): 50 agents race for 1,000 tasks, claimNext vs lowest id first…",
  );
  const table = contentionTable(await measureContention({ log }));
  console.log(`\n${table}`);
  if (updateReadme("contention", `${table}\n\n_Measured ${machine}._`))
    console.log("bench: updated README.md (contention)");
}

if (mode === undefined || mode === "fanout") {
  const subscribers = 2_000;
  if (!postgresAvailable()) console.log("\nbench: fan-out skipped: no PostgreSQL 15 (STIGMERGY_PG_BIN)");
  else {
    console.log(
      `\nbench: fan-out (node + PostgreSQL cluster: writer, two readers): ${subscribers} live queries, ` +
        "bursts of 40 tasks one every 250 ms, one reader killed…",
    );
    const table = fanoutTable(await measureFanout({ subscribers, log }));
    console.log(`\n${table}`);
    if (updateReadme("fanout", `${table}\n\n_Measured ${machine}._`)) console.log("bench: updated README.md (fanout)");
  }
}

const missed = sections.flatMap((s) => s.rows.filter((r) => r.target !== undefined && r.gas > r.target));
// Targets recorded as open (with the reason, in the table and the README) are reported, not failed.
const open = missed.filter((r) => r.openTarget !== undefined);
const unexpected = missed.filter((r) => r.openTarget === undefined);
if (open.length > 0) console.log(`bench: targets still open (see the README): ${open.map((r) => r.name).join("; ")}`);
if (unexpected.length > 0) {
  console.log(`bench: targets missed: ${unexpected.map((r) => r.name).join("; ")}`);
  process.exitCode = 1;
}
