/**
 * What a command is: its path (`task claim`), arguments, flags, help text and `run`. Commands
 * are data; `main.ts` parses the command line against them and `help.ts` prints them.
 */
import type { CommandResult } from "./output.js";
import type { Session } from "./session.js";

export type OptionSpec = {
  type: "string" | "boolean";
  /** May be given more than once (`--capability a --capability b`). */
  multiple?: boolean;
  short?: string;
  /** Placeholder of the value in help (`URI`, `S`, `ETH`). */
  value?: string;
  description: string;
};

export type Options = Readonly<Record<string, OptionSpec>>;

/** The flags a command was given, by name. */
export type Flags = {
  string: (name: string) => string | undefined;
  strings: (name: string) => string[];
  flag: (name: string) => boolean;
};

export type CommandInput = {
  /** Positional arguments by name (a trailing `NAME...` collects the rest, joined by spaces). */
  args: Readonly<Record<string, string | undefined>>;
  flags: Flags;
  session: Session;
};

/** What runs a command. */
export type Run = (input: CommandInput) => Promise<CommandResult | undefined>;

/**
 * A `run` that imports its implementation only when the command runs: the command table, the
 * parser and `--help` load no chain library, so the CLI starts fast.
 */
export const lazy =
  <M>(load: () => Promise<M>, name: { [K in keyof M]: M[K] extends Run ? K : never }[keyof M]): Run =>
  async (input) =>
    ((await load())[name] as Run)(input);

export type Command = {
  /** Words that select it: `["task", "claim"]`. */
  path: readonly string[];
  summary: string;
  /** Positional arguments: `ID`, optional `ID?`, rest `TEXT...`. */
  args?: readonly string[];
  options?: Options;
  /** Whether it takes the connection flags (--rpc, --account, …); default true. */
  connection?: boolean;
  /** Paragraph lines shown by --help under the usage. */
  details?: readonly string[];
  examples?: readonly string[];
  /** Runs it; resolves the result to print, or undefined when it printed as it went (watch, devnet). */
  run: Run;
};

/** Flags every command takes. */
export const OUTPUT_OPTIONS = {
  json: { type: "boolean", description: "print one JSON document on stdout (bigints as decimal strings)" },
  quiet: { type: "boolean", short: "q", description: "no progress lines on stderr" },
  help: { type: "boolean", short: "h", description: "show help for the command" },
} as const satisfies Options;

/** Where the chain, deployment, indexer and key come from (see config.ts). */
export const CONNECTION_OPTIONS = {
  rpc: {
    type: "string",
    value: "URL",
    description: "node JSON-RPC URL (STIGMERGY_RPC_URL; default http://127.0.0.1:8545)",
  },
  deployment: {
    type: "string",
    value: "FILE",
    description: "deployment file (STIGMERGY_DEPLOYMENT; default <deployments>/<chainId>.json)",
  },
  deployments: {
    type: "string",
    value: "DIR",
    description: "deployments directory (STIGMERGY_DEPLOYMENTS_DIR; default ./deployments)",
  },
  indexer: {
    type: "string",
    value: "URL",
    description: "indexer URL (STIGMERGY_INDEXER_URL; default none: read from the node)",
  },
  key: { type: "string", value: "0x…", description: "private key to sign with (STIGMERGY_PRIVATE_KEY)" },
  account: {
    type: "string",
    value: "N",
    description:
      "development account N of the Hardhat mnemonic instead of a key (STIGMERGY_ACCOUNT; local chains only)",
  },
  agent: {
    type: "string",
    value: "ID",
    description: "agent to act as (STIGMERGY_AGENT_ID; default the newest agent the account owns)",
  },
} as const satisfies Options;

/** The usage line of a command: `stigmergy task claim [ID] [options]`. */
export function usage(command: Command): string {
  const args = (command.args ?? []).map((a) => (a.endsWith("?") ? `[${a.slice(0, -1)}]` : a));
  return ["stigmergy", ...command.path, ...args, "[options]"].join(" ");
}
