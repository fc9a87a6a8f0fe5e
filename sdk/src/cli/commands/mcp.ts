/** `stigmergy mcp`: the MCP server over stdio, exposing the SDK's actions as tools for LLM agents. */
import { MissingConfigError } from "../../errors/input.js";
import type { Command } from "../command.js";

const mcp: Command = {
  path: ["mcp"],
  summary: "Run the MCP server on stdio: the same actions as tools for LLM agents",
  details: [
    "Speaks MCP (JSON-RPC) on stdin/stdout until stdin closes; logs go to stderr.",
    "The connection flags choose the chain, the indexer, the key and the agent the tools act as.",
    "It starts without a node or an indexer (hosts launch their servers first): tools list at once, and a",
    "call that needs the chain answers NODE_UNREACHABLE with the remedy until the node answers.",
  ],
  examples: ['{ "command": "npx", "args": ["stigmergy", "mcp", "--account", "1", "--indexer", "http://127.0.0.1:42069"] }   (an MCP client entry)'],
  async run({ session, flags }) {
    // Loaded on demand: only this command needs the MCP SDK.
    const { runMcpStdio, who } = await import("../../mcp/server.js");
    // Connects on the first tool call that needs the chain, and again on the next while that fails.
    const connected = async () => {
      const agent = await session.agent();
      // Act as the account's agent when it has one; without, the tools can register one.
      if (agent.address && agent.agentId === undefined) {
        await session.actingAgent().catch((error: unknown) => (error instanceof MissingConfigError ? undefined : Promise.reject(error)));
      }
      return agent;
    };
    const agent = await connected().catch(() => undefined);
    const rpcUrl = flags.string("rpc") ?? process.env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8545";
    await runMcpStdio(agent ?? connected, {
      describe: () => (agent ? who(agent) : `the configured account; no node answers at ${rpcUrl} yet (tools that need the chain say so until it does)`),
    });
    return undefined;
  },
};

export const mcpCommands: Command[] = [mcp];
