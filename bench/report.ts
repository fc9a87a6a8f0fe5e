/** Formatting and persistence of bench results: the printed tables, gas-snapshot.json, README. */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { GasSection } from "./gas.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The committed gas snapshot (what the snapshot test compares against). */
export const SNAPSHOT_PATH = join(ROOT, "gas-snapshot.json");
/**
 * Where `npm run bench` writes gas-snapshot.json and README.md: the repository, unless
 * STIGMERGY_BENCH_OUT names a directory holding copies of both (the README test runs the bench so).
 */
const OUT = process.env.STIGMERGY_BENCH_OUT ?? ROOT;

export type GasSnapshot = Record<string, Record<string, number>>;

const fmt = (n: bigint) => n.toLocaleString("en-US");

/** "2026-11-22, Intel Xeon … (2 cores), 24 GiB, Node v22.23.3, Hardhat 3.18.0". */
export function machineLine(hardhatVersion: string): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const gib = Math.round(totalmem() / 2 ** 30);
  return (
    `${new Date().toISOString().slice(0, 10)}, ${cpu} (${cpus().length} cores), ${gib} GiB, ` +
    `Node ${process.version}, Hardhat ${hardhatVersion}`
  );
}

/** L1 data fee in gwei, one decimal. */
const gwei = (wei: bigint) =>
  (Number(wei) / 1e9).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/**
 * A section's table. When its rows were also measured on the op chain, two more columns give each
 * call's L1 data on it (`l1GasUsed` and `l1Fee`; "—" for a row that is not one transaction).
 */
export function gasTable(section: GasSection): string {
  const op = section.rows.some((r) => r.l1 !== undefined);
  const head = op
    ? ["| call | gas | op: L1 data gas | op: L1 data fee, gwei | target | |", "|---|---:|---:|---:|---:|---|"]
    : ["| call | gas | target | |", "|---|---:|---:|---|"];
  const lines = [`**${section.title}**`, "", ...head];
  for (const row of section.rows) {
    const status =
      row.target === undefined
        ? ""
        : row.gas <= row.target
          ? "met"
          : row.openTarget
            ? `**missed** (${row.openTarget})`
            : "**missed**";
    const target = row.target === undefined ? "" : `≤ ${fmt(row.target)}`;
    const l1 = op ? (row.l1 ? ` ${fmt(row.l1.gasUsed)} | ${gwei(row.l1.fee)} |` : " — | — |") : "";
    lines.push(`| ${row.name} | ${fmt(row.gas)} |${l1} ${target} | ${[status, row.note].filter(Boolean).join(", ")} |`);
  }
  return lines.join("\n");
}

export function toSnapshot(sections: GasSection[]): GasSnapshot {
  return Object.fromEntries(
    sections.map((s) => [s.title, Object.fromEntries(s.rows.map((r) => [r.name, Number(r.gas)]))]),
  );
}

export function readSnapshot(): GasSnapshot {
  return JSON.parse(readFileSync(SNAPSHOT_PATH, "utf8")) as GasSnapshot;
}

export function writeSnapshot(snapshot: GasSnapshot): void {
  writeFileSync(join(OUT, "gas-snapshot.json"), `${JSON.stringify(snapshot, null, 2)}\n`);
}

/**
 * Replaces the README text between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`.
 * Returns false when the README has no such markers.
 */
export function updateReadme(name: string, content: string): boolean {
  const path = join(OUT, "README.md");
  const text = readFileSync(path, "utf8");
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return false;
  writeFileSync(path, `${text.slice(0, i + start.length)}\n${content}\n${text.slice(j)}`);
  return true;
}
