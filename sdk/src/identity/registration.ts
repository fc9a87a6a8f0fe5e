/**
 * Off-chain documents an agent publishes: its ERC-8004 registration file (what `agentURI` points
 * to) and its A2A agent card. Pure builders; where they are hosted is up to the agent
 * (`toDataURI` inlines one for local chains and tests).
 */
import { type Address, getAddress } from "viem";
import { InvalidInputError } from "../errors/input.js";

export const REGISTRATION_TYPE = "https://eips.ethereum.org/EIPS/eip-8004#registration-v1";

/** An endpoint the agent serves (ERC-8004 `services`): A2A, MCP, a wallet, a web page, … */
export type AgentService = { name: string; endpoint: string; version?: string; skills?: string[] };

export type RegistrationFileParameters = {
  name: string;
  description: string;
  image?: string;
  services?: AgentService[];
  /** Set once registered: ties the file to its on-chain identity. */
  registration?: { agentId: bigint; chainId: number; registry: Address };
  /** Trust models the agent supports (ERC-8004: "reputation", "crypto-economic", "tee-attestation"). */
  supportedTrust?: string[];
  /** Stigmergy capability names the agent declares on chain. */
  capabilities?: string[];
  active?: boolean;
};

/** The ERC-8004 `agentRegistry` string of a registry: `eip155:<chainId>:<address>`. */
export const agentRegistryId = (chainId: number, registry: Address) => `eip155:${chainId}:${getAddress(registry)}`;

/** An ERC-8004 registration file (JSON-ready). */
export function registrationFile(p: RegistrationFileParameters) {
  if (!p.name.trim()) throw new InvalidInputError("name", "must not be empty");
  for (const [i, s] of (p.services ?? []).entries()) {
    if (!s.name || !s.endpoint) throw new InvalidInputError(`services[${i}]`, "needs a name and an endpoint", s);
  }
  return {
    type: REGISTRATION_TYPE,
    name: p.name,
    description: p.description,
    ...(p.image ? { image: p.image } : {}),
    services: p.services ?? [],
    active: p.active ?? true,
    registrations: p.registration
      ? [
          {
            agentId: Number(p.registration.agentId),
            agentRegistry: agentRegistryId(p.registration.chainId, p.registration.registry),
          },
        ]
      : [],
    supportedTrust: p.supportedTrust ?? ["reputation", "crypto-economic"],
    ...(p.capabilities?.length ? { capabilities: p.capabilities } : {}),
  };
}

export type AgentCardParameters = {
  name: string;
  description: string;
  /** Where the agent answers A2A requests. */
  url: string;
  version?: string;
  skills: Array<{ id: string; name: string; description: string; tags?: string[] }>;
  provider?: { organization: string; url: string };
};

/** An A2A agent card (protocol 0.3), served at `/.well-known/agent-card.json`. */
export function agentCard(p: AgentCardParameters) {
  if (!/^https?:\/\//.test(p.url)) throw new InvalidInputError("url", "expected an http(s) URL", p.url);
  if (p.skills.length === 0) throw new InvalidInputError("skills", "an agent card needs at least one skill");
  return {
    protocolVersion: "0.3.0",
    name: p.name,
    description: p.description,
    url: p.url,
    preferredTransport: "JSONRPC",
    version: p.version ?? "1.0.0",
    ...(p.provider ? { provider: p.provider } : {}),
    capabilities: { streaming: false, pushNotifications: false },
    defaultInputModes: ["text/plain", "application/json"],
    defaultOutputModes: ["text/plain", "application/json"],
    skills: p.skills.map((s) => ({ ...s, tags: s.tags ?? [] })),
  };
}

/** A `data:` URI holding a JSON document (for local chains, where nothing is hosted). */
export const toDataURI = (document: unknown): string =>
  `data:application/json;base64,${Buffer.from(JSON.stringify(document)).toString("base64")}`;
