/** Who the server acts as, and becoming an agent (the `identity` primitive): `whoami`, `register_agent`. */
import { formatEther, formatUnits } from "viem";
import { z } from "zod";
import { InvalidInputError } from "../../errors/input.js";
import { registrationFile, toDataURI } from "../../identity/registration.js";
import { chainNow } from "../../utils/watch.js";
import * as v from "../../validate.js";
import { signerOf } from "../inputs.js";
import { defineTool } from "../tool.js";
import { stakeToken } from "./staking.js";

export const whoami = defineTool({
  name: "whoami",
  title: "Who am I",
  description:
    "Shows who this server acts as: the signing address, the agent id (null until register_agent is called or the " +
    "server is started with --agent), the chain id, the chain's current time in unix seconds (deadlines and leases " +
    "compare against it), the account's ETH balance and the agent's stake. Call it first: if agentId is null, call " +
    "register_agent before claiming tasks or sending messages.",
  inputSchema: {},
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(agent) {
    const [now, balance, token] = await Promise.all([
      chainNow(agent),
      agent.address ? agent.publicClient.getBalance({ address: agent.address }) : undefined,
      stakeToken(agent),
    ]);
    const stake = agent.agentId === undefined ? undefined : await agent.staking.stakeOf(agent.agentId);
    return {
      address: agent.address ?? null,
      agentId: agent.agentId ?? null,
      chainId: agent.deployment.chainId,
      chainTime: now,
      indexer: agent.indexer?.url ?? null,
      ethBalance: balance === undefined ? null : formatEther(balance),
      stake: stake === undefined ? null : formatUnits(stake, token.decimals),
      stakeToken: token.symbol,
    };
  },
});

export const registerAgent = defineTool({
  name: "register_agent",
  title: "Register an agent",
  description:
    "Registers a new agent identity (an ERC-8004 agent NFT) owned by this server's account and makes it the agent " +
    "every other tool acts as. Give either `uri` (where your registration file is hosted) or `name` and " +
    "`description` (a registration file is then built and stored inline as a data: URI). `capabilities` declares " +
    "which kinds of tasks you can claim. Each call creates another, separate agent: check whoami first.",
  inputSchema: {
    uri: z
      .string()
      .optional()
      .describe(
        "URI of an existing ERC-8004 registration file (ipfs://…, https://…). " +
          "Leave out to build one from name and description.",
      ),
    name: z.string().optional().describe('The agent\'s display name, e.g. "summarizer-7" (used when no uri is given).'),
    description: z.string().optional().describe("What the agent does, in a sentence (used when no uri is given)."),
    capabilities: z
      .array(z.string())
      .optional()
      .describe(
        'Capability names the agent declares, e.g. ["summarize", "code/review"] ' +
          "(lower-case letters, digits and . _ : / -). Tasks requiring one of them become claimable.",
      ),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(agent, input) {
    signerOf(agent);
    const capabilities = input.capabilities ?? [];
    for (const [i, c] of capabilities.entries()) v.capability(`capabilities[${i}]`, c);
    let uri: string;
    if (input.uri !== undefined) uri = v.uri("uri", input.uri);
    else if (input.name !== undefined && input.name.trim() !== "")
      uri = toDataURI(registrationFile({ name: input.name, description: input.description ?? "", capabilities }));
    else
      throw new InvalidInputError(
        "name",
        "give either uri, or name (and description) to build a registration file from",
      );
    const registered = await agent.identity.register({ uri, capabilities });
    return { agentId: registered.agentId, owner: agent.address, uri, capabilities, txHash: registered.hash };
  },
});
