/** Formatting values for people: amounts, times, ids, aligned fields and tables. */
import { formatUnits, type Hex, zeroHash } from "viem";

/** An 18-decimal token amount, e.g. "10.5 tokens". */
export const tokens = (wei: bigint): string => `${formatUnits(wei, 18)} tokens`;
/** Wei as ETH, e.g. "0.01 ETH". */
export const eth = (wei: bigint): string => `${formatUnits(wei, 18)} ETH`;

/** Unix seconds as ISO 8601 UTC without milliseconds; "-" for 0. */
export function time(unixSeconds: bigint | number | null | undefined): string {
  if (unixSeconds === null || unixSeconds === undefined || BigInt(unixSeconds) === 0n) return "-";
  const n = Number(unixSeconds);
  return Math.abs(n) > 8_640_000_000_000
    ? `unix ${unixSeconds}`
    : new Date(n * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `0x1234…abcd` for long hex. */
export const short = (hex: string, keep = 6): string =>
  hex.length > 2 * keep + 3 ? `${hex.slice(0, keep)}…${hex.slice(-4)}` : hex;

/** At most `max` characters of `text`, with an ellipsis when cut. */
export const clip = (text: string, max = 60): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A capability id by name when the name is known, "any" for none, else shortened. */
export const capabilityLabel = (id: Hex, names: ReadonlyMap<string, string> = new Map()): string =>
  id === zeroHash ? "any" : (names.get(id.toLowerCase()) ?? short(id));

/** `label  value` lines with the labels aligned. */
export function fields(title: string, rows: Array<[string, string | number | bigint | boolean]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return [title, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${String(v)}`)].join("\n");
}

/** A plain table: a header row and aligned columns; `empty` when there are no rows. */
export function table(header: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return empty;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
