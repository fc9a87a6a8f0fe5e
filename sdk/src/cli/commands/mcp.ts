/** `stigmergy mcp`: the MCP server over stdio, exposing the SDK's actions as tools for LLM agents. */
import { MissingConfigError } from "../../errors/input.js";
import type { Command } from "../command.js";

const mcp: Command = {
  path: ["mcp"],
  summary: "Run the MCP server on stdio: the same actions as tools for LLM agents",
  details: [
    "Speaks MCP (JSON-RPC) on stdin/stdout until stdin closes; logs go to stderr.",
    "The connection flags choose the chain, the indexer, the key and the agent the tools act as.",
  ],
  examples: ['{ "command": "npx", "args": ["stigmergy", "mcp", "--account", "1", "--indexer", "http://127.0.0.1:42069"] }   (an MCP client entry)'],
  async run({ session }) {
    // Loaded on demand: only this command needs the MCP SDK.
    const { runMcpStdio } = await import("../../mcp/server.js");
    const agent = await session.agent();
    // Act as the account's agent when it has one; without, the tools can register one.
    if (agent.address) await session.actingAgent().catch((error: unknown) => (error instanceof MissingConfigError ? undefined : Promise.reject(error)));
    await runMcpStdio(agent);
    return undefined;
  },
};

export const mcpCommands: Command[] = [mcp];
