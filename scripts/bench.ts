/**
 * `npm run bench`: measures gas (and, as later parts land, latency and RPC load), prints the
 * tables, writes gas-snapshot.json and the README's bench section. Numbers are reported here,
 * never asserted by timing tests; the gas snapshot test guards gas against regressions.
 */
import { createRequire } from "node:module";
import { network } from "hardhat";
import type { GasSection } from "../bench/gas.ts";
import { gasTable, machineLine, toSnapshot, updateReadme, writeSnapshot } from "../bench/report.ts";
import { measureCoordinationGas } from "../bench/coordination.ts";
import { measureTaskGas } from "../bench/tasks.ts";
import { measureTrustLayerGas } from "../bench/trust-layer.ts";

const hardhatVersion = (createRequire(import.meta.url)("hardhat/package.json") as { version: string }).version;
const { viem, networkHelpers } = await network.create();
const log = (line: string) => console.log(line);

const sections: GasSection[] = [];
console.log("bench: measuring trust layer gas…");
sections.push(await measureTrustLayerGas(viem, networkHelpers));
console.log("bench: measuring staking and consensus gas (builds groups of 100, 1,000 and 10,000 members)…");
sections.push(await measureCoordinationGas(viem, networkHelpers, [100, 1_000, 10_000], log));
console.log("bench: measuring work coordination gas…");
sections.push(await measureTaskGas(viem, networkHelpers));

const machine = machineLine(hardhatVersion);
const tables = sections.map(gasTable).join("\n\n");
console.log(`\n${tables}\n\nMeasured ${machine}.`);

writeSnapshot(toSnapshot(sections));
console.log("bench: wrote gas-snapshot.json");
if (updateReadme("gas", `${tables}\n\n_Measured ${machine}._`)) console.log("bench: updated README.md");

const missed = sections.flatMap((s) => s.rows.filter((r) => r.target !== undefined && r.gas > r.target));
if (missed.length > 0) {
  console.log(`bench: targets missed: ${missed.map((r) => r.name).join("; ")}`);
  process.exitCode = 1;
}
