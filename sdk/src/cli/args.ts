/**
 * The command line against the command table: which command, its arguments and flags (with
 * `node:util` parseArgs, strict), or a {@link UsageError} saying what is wrong.
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors/input.js";
import { CONNECTION_OPTIONS, type Command, type Flags, type Options, OUTPUT_OPTIONS } from "./command.js";

export type ParsedCommandLine =
  /** Nothing but root flags (or `help`): root help or the version. */
  | { kind: "root"; help: boolean; version: boolean; json: boolean; topic: string[] }
  /** A group without its subcommand (`stigmergy task`). */
  | { kind: "group"; group: string; help: boolean; json: boolean }
  | {
      kind: "command";
      command: Command;
      args: Record<string, string | undefined>;
      flags: Flags;
      help: boolean;
      json: boolean;
      quiet: boolean;
    };

// Negative numbers ("-1") are arguments, not flags: hide them from parseArgs, restore them after.
const ESCAPE = "\u0000";
const escapeArg = (arg: string) => (/^-\d/.test(arg) ? `${ESCAPE}${arg}` : arg);
const unescapeArg = (value: string) => (value.startsWith(ESCAPE) ? value.slice(1) : value);

/** The options a command takes: its own, the output ones, and the connection ones unless it opts out. */
export const optionsOf = (command: Command): Options => ({
  ...OUTPUT_OPTIONS,
  ...(command.connection === false ? {} : CONNECTION_OPTIONS),
  ...command.options,
});

const ROOT_OPTIONS = {
  ...OUTPUT_OPTIONS,
  ...CONNECTION_OPTIONS,
  version: { type: "boolean", short: "v", description: "print the version" },
} as const satisfies Options;

/** The words before the first flag-looking argument that select a command (flags with values skipped). */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    if (arg.startsWith("--")) {
      const name = arg.slice(2);
      if (!name.includes("=") && name in CONNECTION_OPTIONS) i++; // skip its value
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) continue;
    words.push(arg);
  }
  return words;
}

function parseWith(argv: readonly string[], options: Options, hint: string) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split(/\.\s/)[0]!.replace(/\.$/, "") : String(error);
    throw new UsageError(message.replace(/^Unknown option/, "unknown flag"), hint);
  }
}

/** Typed access to parsed values, restoring escaped negative numbers. */
function flagsOf(values: Record<string, string | boolean | Array<string | boolean> | undefined>): Flags {
  const list = (name: string) => {
    const value = values[name];
    if (value === undefined) return [];
    return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string").map(unescapeArg);
  };
  return {
    string: (name) => list(name).at(-1),
    strings: list,
    flag: (name) => values[name] === true,
  };
}

/** Binds positionals to a command's argument names: `ID`, `ID?`, `TEXT...`. */
function bindArgs(command: Command, positionals: string[], hint: string): Record<string, string | undefined> {
  const spec = command.args ?? [];
  const out: Record<string, string | undefined> = {};
  let i = 0;
  for (const name of spec) {
    if (name.endsWith("...")) {
      const rest = positionals.slice(i);
      if (rest.length === 0) throw new UsageError(`missing ${name.slice(0, -3)}`, hint);
      out[name.slice(0, -3)] = rest.join(" ");
      i = positionals.length;
      continue;
    }
    const optional = name.endsWith("?");
    const key = optional ? name.slice(0, -1) : name;
    const value = positionals[i];
    if (value === undefined && !optional) throw new UsageError(`missing ${key}`, hint);
    out[key] = value;
    if (value !== undefined) i++;
  }
  if (i < positionals.length) throw new UsageError(`unexpected argument "${positionals[i]}"`, hint);
  return out;
}

/** Parses `argv` (without node and the script) against `commands`. */
export function parseCommandLine(argv: readonly string[], commands: readonly Command[]): ParsedCommandLine {
  const args = argv.map(escapeArg);
  const words = commandWords(args);
  const [first, second] = words;
  const groups = new Set(commands.filter((c) => c.path.length > 1).map((c) => c.path[0]!));

  if (first === undefined || first === "help") {
    const { values, positionals } = parseWith(args, ROOT_OPTIONS, "Run `stigmergy --help` for the flags.");
    return {
      kind: "root",
      help: values.help === true || first === "help",
      version: values.version === true,
      json: values.json === true,
      topic: positionals.slice(first === "help" ? 1 : 0).map(unescapeArg),
    };
  }
  const command = commands.find((c) => c.path[0] === first && (c.path.length === 1 || c.path[1] === second));
  if (!command) {
    if (groups.has(first) && second === undefined) {
      const { values } = parseWith(
        args,
        { ...OUTPUT_OPTIONS, ...CONNECTION_OPTIONS },
        `Run \`stigmergy ${first} --help\`.`,
      );
      return { kind: "group", group: first, help: values.help === true, json: values.json === true };
    }
    const what = groups.has(first) ? `unknown command "${first} ${second}"` : `unknown command "${unescapeArg(first)}"`;
    throw new UsageError(what, `Run \`stigmergy ${groups.has(first) ? `${first} ` : ""}--help\` for the commands.`);
  }
  const hint = `Run \`stigmergy ${command.path.join(" ")} --help\` for its usage.`;
  const { values, positionals } = parseWith(args, optionsOf(command), hint);
  const flags = flagsOf(values);
  const help = flags.flag("help");
  const rest = positionals.slice(command.path.length).map(unescapeArg);
  return {
    kind: "command",
    command,
    args: help ? {} : bindArgs(command, rest, hint),
    flags,
    help,
    json: flags.flag("json"),
    quiet: flags.flag("quiet"),
  };
}
