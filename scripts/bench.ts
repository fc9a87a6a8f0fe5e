/**
 * `npm run bench`: measures gas (and, as later parts land, latency and RPC load), prints the
 * tables, writes gas-snapshot.json and the README's bench section. Numbers are reported here,
 * never asserted by timing tests; the gas snapshot test guards gas against regressions.
 */
import { createRequire } from "node:module";
import { network } from "hardhat";
import type { GasSection } from "../bench/gas.ts";
import { gasTable, machineLine, toSnapshot, updateReadme, writeSnapshot } from "../bench/report.ts";
import { measureTrustLayerGas } from "../bench/trust-layer.ts";

const hardhatVersion = (createRequire(import.meta.url)("hardhat/package.json") as { version: string }).version;
const { viem } = await network.create();

const sections: GasSection[] = [];
for (const [label, measure] of [["trust layer", measureTrustLayerGas]] as const) {
  console.log(`bench: measuring ${label} gas…`);
  sections.push(await measure(viem));
}

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
