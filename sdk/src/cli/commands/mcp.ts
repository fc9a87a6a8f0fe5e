/** `stigmergy mcp`: the MCP server over stdio, exposing the SDK's actions as tools for LLM agents. */
import { type Command, lazy } from "../command.js";

const load = () => import("../run/mcp.js");

const mcp: Command = {
  path: ["mcp"],
  summary: "Run the MCP server on stdio: the same actions as tools for LLM agents",
  details: [
    "Speaks MCP (JSON-RPC) on stdin/stdout until stdin closes; logs go to stderr.",
    "The connection flags choose the chain, the indexer, the key and the agent the tools act as.",
    "It starts without a node or an indexer (hosts launch their servers first): tools list at once, and a",
    "call that needs the chain answers NODE_UNREACHABLE with the remedy until the node answers.",
  ],
  examples: [
    '{ "command": "npx", "args": ["stigmergy", "mcp", "--account", "1", "--indexer", "http://127.0.0.1:42069"] }' +
      "   (an MCP client entry)",
  ],
  run: lazy(load, "mcp"),
};

export const mcpCommands: Command[] = [mcp];
