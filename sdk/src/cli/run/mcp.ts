/** What `stigmergy mcp` does (the MCP server), loaded when it runs. */
import { MissingConfigError } from "../../errors/config.js";
import type { CommandInput } from "../command.js";
import type { CommandResult } from "../output.js";

export async function mcp({ session, flags }: CommandInput): Promise<CommandResult | undefined> {
  // Loaded on demand: only this command needs the MCP SDK.
  const { runMcpStdio, who } = await import("../../mcp/server.js");
  // Connects on the first tool call that needs the chain, and again on the next while that fails.
  const connected = async () => {
    const agent = await session.agent();
    // Act as the account's agent when it has one; without, the tools can register one.
    if (agent.address && agent.agentId === undefined) {
      await session
        .actingAgent()
        .catch((error: unknown) => (error instanceof MissingConfigError ? undefined : Promise.reject(error)));
    }
    return agent;
  };
  const agent = await connected().catch(() => undefined);
  const rpcUrl = flags.string("rpc") ?? process.env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8545";
  await runMcpStdio(agent ?? connected, {
    describe: () =>
      agent
        ? who(agent)
        : `the configured account; no node answers at ${rpcUrl} yet (tools that need the chain say so until it does)`,
  });
  return undefined;
}
