/**
 * Printing: results as text (default) or one JSON document (`--json`, bigints as decimal
 * strings) on stdout; errors and progress on stderr, so stdout stays clean for scripts.
 */
import { formatUnits, type Hex, zeroHash } from "viem";
import { describeError, type ErrorReport } from "./errors.js";

/** What a command returns: the data a script gets, and the text a person reads. */
export type CommandResult = { data: unknown; text: string };

/** JSON with bigints as decimal strings. */
export const toJson = (value: unknown, indent?: number): string =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), indent);

/** Writes `text` (plus a newline) and resolves once it is flushed, so exiting right after loses nothing. */
export function writeLine(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(`${text}\n`, () => resolve()));
}

export function printResult(result: CommandResult, json: boolean): Promise<void> {
  return writeLine(process.stdout, json ? toJson(result.data, 2) : result.text);
}

/** `error: …` and indented hints on stderr; with --json also `{ "error": … }` on stdout. */
export async function printError(error: unknown, json: boolean): Promise<ErrorReport> {
  const report = describeError(error);
  const coded = report.errorName ? `${report.message} [${report.code}]` : report.message;
  const hints = report.hints.map((h) => `  ${h}`);
  await writeLine(process.stderr, [`error: ${coded}`, ...hints].join("\n"));
  if (json) {
    const { hints: _, ...rest } = report;
    await writeLine(process.stdout, toJson({ error: rest }, 2));
  }
  return report;
}

// ------------------------------------------------------------------------------- formatting

/** An 18-decimal token amount, e.g. "10.5 tokens". */
export const tokens = (wei: bigint): string => `${formatUnits(wei, 18)} tokens`;
/** Wei as ETH, e.g. "0.01 ETH". */
export const eth = (wei: bigint): string => `${formatUnits(wei, 18)} ETH`;

/** Unix seconds as ISO 8601 UTC without milliseconds; "-" for 0. */
export function time(unixSeconds: bigint | number | null | undefined): string {
  if (unixSeconds === null || unixSeconds === undefined || BigInt(unixSeconds) === 0n) return "-";
  const n = Number(unixSeconds);
  return Math.abs(n) > 8_640_000_000_000 ? `unix ${unixSeconds}` : new Date(n * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `0x1234…abcd` for long hex. */
export const short = (hex: string, keep = 6): string => (hex.length > 2 * keep + 3 ? `${hex.slice(0, keep)}…${hex.slice(-4)}` : hex);

/** At most `max` characters of `text`, with an ellipsis when cut. */
export const clip = (text: string, max = 60): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A capability id by name when the name is known, "any" for none, else shortened. */
export const capabilityLabel = (id: Hex, names: ReadonlyMap<string, string> = new Map()): string =>
  id === zeroHash ? "any" : names.get(id.toLowerCase()) ?? short(id);

/** `label  value` lines with the labels aligned. */
export function fields(title: string, rows: Array<[string, string | number | bigint | boolean]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return [title, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${String(v)}`)].join("\n");
}

/** A plain table: a header row and aligned columns; `empty` when there are no rows. */
export function table(header: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return empty;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

// -------------------------------------------------------------------------------- progress

export type Progress = {
  /** Shows `label` while `work` runs (a spinner on a terminal, else one "… label" line). */
  run: <T>(label: string, work: () => Promise<T>) => Promise<T>;
  /** A one-off status line on stderr (not in quiet mode). */
  note: (line: string) => void;
};

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Progress on stderr: a spinner when stderr is a terminal, plain lines otherwise, nothing when quiet. */
export function createProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = options.stream ?? process.stderr;
  const note = (line: string) => {
    if (!options.quiet) stream.write(`${line}\n`);
  };
  return {
    note,
    run: async <T>(label: string, work: () => Promise<T>): Promise<T> => {
      if (options.quiet) return work();
      if (!stream.isTTY) {
        note(`… ${label}`);
        return work();
      }
      let frame = 0;
      const draw = () => stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${label}`);
      draw();
      const timer = setInterval(draw, 80);
      try {
        return await work();
      } finally {
        clearInterval(timer);
        stream.write("\r\x1b[2K");
      }
    },
  };
}
