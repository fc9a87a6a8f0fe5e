/** Help text for the root, a command group and a command, built from the command table. */
import { optionsOf } from "./args.js";
import { CONNECTION_OPTIONS, type Command, type Options, OUTPUT_OPTIONS, usage } from "./command.js";

/** The command groups in the order help lists them, with a line each. */
export const GROUPS: ReadonlyArray<[string, string]> = [
  ["devnet", "Local chain"],
  ["deploy", "Local chain"],
  ["agent", "Identity"],
  ["stake", "Stake"],
  ["group", "Leader election"],
  ["task", "Work"],
  ["schedule", "Work"],
  ["message", "Messages"],
  ["watch", "Activity"],
  ["mcp", "For LLM agents"],
];

export const EXIT_CODES = [
  "Exit codes:",
  "  0  success",
  "  1  the chain refused: a contract revert (the error is printed with its code, e.g. TASK_NOT_OPEN)",
  "  2  usage or invalid input: unknown command or flag, a value that cannot be right (the field is named)",
  "  3  cannot reach the node or the indexer, or no deployment for the chain",
  "  4  not found: no such agent, task, group or schedule, or no open task to claim",
].join("\n");

function optionLines(options: Options): string[] {
  const entries = Object.entries(options).map(([name, o]) => {
    const short = o.short ? `-${o.short}, ` : "    ";
    const value = o.type === "string" ? ` ${o.value ?? "VALUE"}` : "";
    const flag = `${short}--${name}${value}${o.multiple ? " …" : ""}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...entries.map(([f]) => f.length));
  return entries.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}

const byName = (commands: readonly Command[]) => {
  const width = Math.max(...commands.map((c) => c.path.join(" ").length));
  return commands.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`);
};

export function rootHelp(commands: readonly Command[], version: string): string {
  const sections: string[] = [];
  let heading = "";
  for (const [group, title] of GROUPS) {
    const members = commands.filter((c) => c.path[0] === group);
    if (members.length === 0) continue;
    if (title !== heading) sections.push("", `${title}:`);
    heading = title;
    sections.push(...byName(members));
  }
  return [
    `stigmergy ${version}: coordination for AI agents on an EVM chain`,
    "",
    "Usage: stigmergy <command> [arguments] [options]",
    ...sections,
    "",
    "Connection (flags first, then environment, then local defaults):",
    ...optionLines(CONNECTION_OPTIONS),
    "",
    "Output:",
    ...optionLines({ ...OUTPUT_OPTIONS, version: { type: "boolean", short: "v", description: "print the version" } }),
    "",
    "Amounts: tokens and ETH with decimals (10, 0.5). Durations: seconds, or 90s, 5m, 2h, 1d.",
    "Progress goes to stderr; results to stdout.",
    "",
    EXIT_CODES,
    "",
    "Run `stigmergy <command> --help` for a command's arguments and flags.",
  ].join("\n");
}

export function groupHelp(group: string, commands: readonly Command[]): string {
  const members = commands.filter((c) => c.path[0] === group);
  return [
    `Usage: stigmergy ${group} <command> [arguments] [options]`,
    "",
    "Commands:",
    ...byName(members),
    "",
    `Run \`stigmergy ${group} <command> --help\` for details.`,
  ].join("\n");
}

export function commandHelp(command: Command): string {
  const own = optionsOf({ ...command, connection: false });
  const ownOnly = Object.fromEntries(Object.entries(own).filter(([name]) => !(name in OUTPUT_OPTIONS)));
  const lines = [`Usage: ${usage(command)}`, "", command.summary + (command.summary.endsWith(".") ? "" : ".")];
  if (command.details?.length) lines.push("", ...command.details);
  if (Object.keys(ownOnly).length) lines.push("", "Options:", ...optionLines(ownOnly));
  if (command.connection !== false) lines.push("", "Connection:", ...optionLines(CONNECTION_OPTIONS));
  lines.push("", "Output:", ...optionLines(OUTPUT_OPTIONS));
  if (command.examples?.length) lines.push("", "Examples:", ...command.examples.map((e) => `  ${e}`));
  lines.push("", EXIT_CODES);
  return lines.join("\n");
}
