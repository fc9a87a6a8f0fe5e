#!/usr/bin/env node
/**
 * `stigmergy`: the command line of the SDK. Parses the command line against the command table,
 * runs the command, prints its result (text, or JSON with --json) and exits with a code that
 * says what happened (see `EXIT_CODES` in help.ts).
 */
import { readFileSync } from "node:fs";
import { UsageError } from "../errors/input.js";
import { parseCommandLine } from "./args.js";
import type { Command, Flags } from "./command.js";
import { devnetCommands } from "./commands/devnet.js";
import { electionCommands } from "./commands/election.js";
import { identityCommands } from "./commands/identity.js";
import { mcpCommands } from "./commands/mcp.js";
import { messagesCommands } from "./commands/messages.js";
import { schedulesCommands } from "./commands/schedules.js";
import { stakingCommands } from "./commands/staking.js";
import { tasksCommands } from "./commands/tasks.js";
import { watchCommands } from "./commands/watch.js";
import type { ConnectionFlags } from "./config.js";
import { EXIT, type ExitCode, ExitedWith, exitCodeOf } from "./errors.js";
import { commandHelp, groupHelp, rootHelp } from "./help.js";
import { createProgress, printError, printResult, toJson, writeLine } from "./output.js";

export const COMMANDS: readonly Command[] = [
  ...devnetCommands,
  ...identityCommands,
  ...stakingCommands,
  ...electionCommands,
  ...tasksCommands,
  ...schedulesCommands,
  ...messagesCommands,
  ...watchCommands,
  ...mcpCommands,
];

/** The SDK's version, from its package.json (two levels up from src/cli or dist/cli). */
function version(): string {
  try {
    return (
      (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string })
        .version ?? "unknown"
    );
  } catch {
    return "unknown";
  }
}

const connectionFlags = (flags: Flags): ConnectionFlags => ({
  rpc: flags.string("rpc"),
  deployment: flags.string("deployment"),
  deployments: flags.string("deployments"),
  indexer: flags.string("indexer"),
  key: flags.string("key"),
  account: flags.string("account"),
  agent: flags.string("agent"),
});

/** Help for `stigmergy help <topic…>`: a command, a group, or an error. */
function topicHelp(topic: string[]): string {
  const command = COMMANDS.find((c) => c.path.join(" ") === topic.join(" "));
  if (command) return commandHelp(command);
  if (topic.length === 1 && COMMANDS.some((c) => c.path[0] === topic[0])) return groupHelp(topic[0]!, COMMANDS);
  throw new UsageError(
    `no help for "${topic.join(" ")}": there is no such command`,
    "Run `stigmergy --help` for the commands.",
  );
}

/** Runs the command line; resolves the exit code. */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  let json = argv.includes("--json");
  try {
    const parsed = parseCommandLine(argv, COMMANDS);
    json = parsed.json;
    if (parsed.kind === "root") {
      if (parsed.version) {
        await writeLine(process.stdout, json ? toJson({ version: version() }) : version());
        return EXIT.ok;
      }
      if (parsed.topic.length) {
        await writeLine(process.stdout, topicHelp(parsed.topic));
        return EXIT.ok;
      }
      await writeLine(parsed.help ? process.stdout : process.stderr, rootHelp(COMMANDS, version()));
      return parsed.help ? EXIT.ok : EXIT.usage;
    }
    if (parsed.kind === "group") {
      await writeLine(parsed.help ? process.stdout : process.stderr, groupHelp(parsed.group, COMMANDS));
      return parsed.help ? EXIT.ok : EXIT.usage;
    }
    if (parsed.help) {
      await writeLine(process.stdout, commandHelp(parsed.command));
      return EXIT.ok;
    }
    const progress = createProgress({ quiet: parsed.quiet });
    const { createSession } = await import("./session.js");
    const session = createSession({
      flags: parsed.command.connection === false ? {} : connectionFlags(parsed.flags),
      json,
      progress,
    });
    const result = await parsed.command.run({ args: parsed.args, flags: parsed.flags, session });
    if (result) await printResult(result, json);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExitedWith) return error.exitCode as ExitCode;
    await printError(error, json);
    return await exitCodeOf(error);
  }
}

// Errors from background work (a watcher, a stream) end the process with their exit code too.
const fail = (error: unknown) =>
  void printError(error, process.argv.includes("--json")).then(
    async () => process.exit(await exitCodeOf(error)),
    () => process.exit(EXIT.refused),
  );
process.on("unhandledRejection", fail);
process.on("uncaughtException", fail);

main(process.argv.slice(2)).then((code) => process.exit(code));
