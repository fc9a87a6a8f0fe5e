/**
 * Printing: results as text (default) or one JSON document (`--json`, bigints as decimal strings) on
 * stdout; errors and progress on stderr, so stdout stays clean for scripts. Light on purpose (no
 * chain library): the parser and `--help` load it; formatting values is in format.ts.
 */
import { stringify } from "viem";
import type { ErrorReport } from "../errors/report.js";

/** What a command returns: the data a script gets, and the text a person reads. */
export type CommandResult = { data: unknown; text: string };

/** JSON with bigints as decimal strings. */
export const toJson = (value: unknown, indent?: number): string => stringify(value, null, indent);

/** Writes `text` (plus a newline) and resolves once it is flushed, so exiting right after loses nothing. */
export function writeLine(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(`${text}\n`, () => resolve()));
}

export function printResult(result: CommandResult, json: boolean): Promise<void> {
  return writeLine(process.stdout, json ? toJson(result.data, 2) : result.text);
}

/** `error: …` and indented hints on stderr; with --json also `{ "error": … }` on stdout. */
export async function printError(error: unknown, json: boolean): Promise<ErrorReport> {
  // Loaded only on failure: describing an error decodes reverts, which needs the chain library.
  const { describeError } = await import("../errors/report.js");
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
