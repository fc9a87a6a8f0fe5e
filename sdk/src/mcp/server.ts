/**
 * `stigmergy mcp`: an MCP server exposing an agent's actions as tools for LLM agents, over stdio.
 * Everything the agent does goes through the SDK; every failure comes back to the model as an
 * `isError` result reading `<code>: <shortMessage>`. Only MCP JSON-RPC goes to stdout; logs go to
 * stderr.
 */

import type { Readable, Writable } from "node:stream";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Agent } from "../agent.js";
import { describeFailure } from "./result.js";
import { type AgentSource, registerTools, type Tool } from "./tool.js";
import { currentLeader } from "./tools/election.js";
import { registerAgent, whoami } from "./tools/identity.js";
import { acquireLock, releaseLock } from "./tools/locks.js";
import { postMessage, readMessages, sendMessage } from "./tools/messages.js";
import { stake } from "./tools/staking.js";
import { claimTask, escalateTask, getTask, listTasks, postTask, submitTask } from "./tools/tasks.js";

export const SERVER_NAME = "stigmergy";
export const SERVER_VERSION = "0.1.0";

/** Every tool the server exposes, in the order they are listed. */
export const TOOLS: readonly Tool[] = [
  whoami,
  registerAgent,
  stake,
  listTasks,
  getTask,
  claimTask,
  submitTask,
  escalateTask,
  postTask,
  sendMessage,
  postMessage,
  readMessages,
  currentLeader,
  acquireLock,
  releaseLock,
];

const INSTRUCTIONS = [
  "You act as one agent on Stigmergy, a coordination layer for AI agents on an EVM chain.",
  "Start with whoami. If it shows no agentId, call register_agent (declaring your capabilities), " +
    "then stake if tasks or groups need stake.",
  "Find work with list_tasks, take it with claim_task, do what its specURI describes, " +
    "and hand in the result with submit_task before the lease expires.",
  "If you cannot go on without a human's answer, " +
    "escalate_task asks the task's approver and stops your lease clock meanwhile.",
  "Coordinate with other agents through send_message, post_message and read_messages, " +
    "acquire_lock/release_lock around shared resources, and current_leader.",
  'Ids are decimal strings; ETH and token amounts are decimal strings such as "0.01"; ' +
    "times are unix seconds of chain time.",
  "A failed call returns an error reading CODE: explanation; " +
    "fix the input or the situation it describes and try again.",
].join("\n");

export type McpServerOptions = {
  /** Called with each failed tool call (the model gets the error as the tool's result). Default: a line on stderr. */
  onToolError?: (tool: string, error: unknown) => void;
};

const logToolError = (tool: string, error: unknown): void => {
  const { code, message } = describeFailure(error);
  process.stderr.write(`stigmergy mcp: ${tool} failed: ${code}: ${message}\n`);
};

/** An MCP server with the agent's tools registered (not yet connected). */
export function createMcpServer(agent: AgentSource, options: McpServerOptions = {}): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION, title: "Stigmergy agent" },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  registerTools(server, agent, TOOLS, options.onToolError ?? logToolError);
  return server;
}

export type RunMcpStdioOptions = McpServerOptions & {
  /** Who the server acts as, for its start-up line (default: the agent when it is given directly). */
  describe?: () => string;
  /** Where requests come from (default process.stdin). */
  stdin?: Readable;
  /** Where responses go (default process.stdout). */
  stdout?: Writable;
};

/**
 * Serves the agent's tools over stdio until stdin ends (the client closed it) and the transport
 * has closed. While it runs, `console.log` and friends write to stderr so that nothing but
 * JSON-RPC reaches stdout.
 */
export async function runMcpStdio(agent: AgentSource, options: RunMcpStdioOptions = {}): Promise<void> {
  const stdin = options.stdin ?? process.stdin;
  const server = createMcpServer(agent, options);
  const transport = new StdioServerTransport(stdin, options.stdout ?? process.stdout);
  const restoreConsole = consoleToStderr();
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
  });
  server.server.onerror = (error) => {
    process.stderr.write(`stigmergy mcp: ${error.message}\n`);
  };
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    server.close().catch((error: Error) => {
      process.stderr.write(`stigmergy mcp: closing failed: ${error.message}\n`);
    });
  };
  stdin.once("end", close);
  stdin.once("close", close);
  try {
    await server.connect(transport);
    const as = options.describe?.() ?? (typeof agent === "function" ? "the configured agent" : who(agent));
    process.stderr.write(`stigmergy mcp: serving ${TOOLS.length} tools on stdio as ${as}\n`);
    await closed;
    process.stderr.write("stigmergy mcp: the client closed the connection; stopped\n");
  } finally {
    stdin.off("end", close);
    stdin.off("close", close);
    restoreConsole();
  }
}

export const who = (agent: Agent): string =>
  `${agent.agentId === undefined ? "no agent yet" : `agent ${agent.agentId}`} (${agent.address ?? "read-only"})` +
  ` on chain ${agent.deployment.chainId}`;

/** Sends console.log/info/debug to stderr; returns the function restoring them. */
function consoleToStderr(): () => void {
  const { log, info, debug } = console;
  console.log = console.info = console.debug = console.error;
  return () => {
    Object.assign(console, { log, info, debug });
  };
}
