/** `stigmergy agent register | show | list`: ERC-8004 identities. */
import { keccak256, stringToHex } from "viem";
import type { AgentRecord } from "../../indexer/rows.js";
import { registrationFile, toDataURI } from "../../identity/registration.js";
import { InvalidInputError } from "../../errors/input.js";
import type { Command } from "../command.js";
import { NotFoundError } from "../errors.js";
import { capabilityLabel, clip, fields, short, table, time, tokens } from "../output.js";
import * as parse from "../values.js";

/** What a `data:` registration file says about the agent (name, description, capability names). */
export function registrationOf(uri: string): { name?: string; description?: string; capabilities: string[] } {
  const prefix = "data:application/json;base64,";
  if (!uri.startsWith(prefix)) return { capabilities: [] };
  try {
    const file = JSON.parse(Buffer.from(uri.slice(prefix.length), "base64").toString("utf8")) as Record<string, unknown>;
    return {
      ...(typeof file.name === "string" ? { name: file.name } : {}),
      ...(typeof file.description === "string" ? { description: file.description } : {}),
      capabilities: Array.isArray(file.capabilities) ? file.capabilities.filter((c): c is string => typeof c === "string") : [],
    };
  } catch {
    return { capabilities: [] };
  }
}

/** Capability ids by lower-case hex → name, for names the caller knows. */
export const capabilityNames = (names: readonly string[]): Map<string, string> =>
  new Map(names.filter((n) => !n.startsWith("0x")).map((n) => [keccak256(stringToHex(n)).toLowerCase(), n]));

const register: Command = {
  path: ["agent", "register"],
  summary: "Register a new agent owned by the account",
  options: {
    uri: { type: "string", value: "URI", description: "where the agent's registration file lives (ipfs://…, https://…)" },
    name: { type: "string", value: "NAME", description: "without --uri: build a registration file with this name (inlined as a data: URI)" },
    description: { type: "string", value: "TEXT", description: "without --uri: the registration file's description" },
    capability: { type: "string", multiple: true, value: "NAME", description: "declare a capability (name or bytes32 id); repeatable" },
  },
  details: ["Give --uri, or --name (and --description) to inline an ERC-8004 registration file as a data: URI (fine for local chains)."],
  examples: ["stigmergy agent register --account 1 --name summarizer --capability summarize", "stigmergy agent register --uri ipfs://Qm… --capability code/review --json"],
  async run({ flags, session }) {
    const capabilities = flags.strings("capability");
    const name = flags.string("name");
    let uri = flags.string("uri");
    if (uri === undefined) {
      if (name === undefined) throw new InvalidInputError("uri", "give --uri, or --name (and --description) to build a registration file");
      uri = toDataURI(registrationFile({ name, description: flags.string("description") ?? "", capabilities }));
    }
    const agent = await session.agent();
    const registered = await session.progress.run("sending register", () => agent.identity.register({ uri, capabilities }));
    const data = { agentId: registered.agentId, owner: agent.address, uri, capabilities, txHash: registered.hash };
    const caps = capabilities.length ? ` with ${capabilities.join(", ")}` : "";
    return { data, text: `registered agent ${registered.agentId}${caps} (owner ${agent.address}, tx ${registered.hash})` };
  },
};

/** An agent with what its `data:` registration file says (name, description, capability names). */
function agentJson(a: AgentRecord) {
  const { capabilities: capabilityNames, ...file } = registrationOf(a.uri);
  return { ...a, ...file, ...(capabilityNames.length ? { capabilityNames } : {}) };
}

const show: Command = {
  path: ["agent", "show"],
  summary: "Show an agent: owner, wallet, URI, capabilities, stake",
  args: ["ID?"],
  details: ["Without ID, shows the agent you act as (--agent, or the newest agent the account owns)."],
  async run({ args, session }) {
    const agent = await session.agent();
    const id = args.ID === undefined ? await session.actingAgent() : parse.id("ID", args.ID);
    // The indexer may not have caught up with a fresh registration: ask the chain before saying no.
    const record = (await agent.identity.get(id)) ?? (agent.indexer ? await (await session.chainAgent()).identity.get(id) : null);
    if (!record) throw new NotFoundError(`agent ${id} does not exist`, "List agents with `stigmergy agent list`.");
    const [active, unbonding] = await Promise.all([agent.staking.stakeOf(id), agent.staking.unbondingOf(id)]);
    const file = registrationOf(record.uri);
    const names = capabilityNames(file.capabilities);
    const data = { ...agentJson(record), stake: { active, unbonding: unbonding.amount, releaseAt: unbonding.releaseAt } };
    const rows: Array<[string, string]> = [];
    if (file.name) rows.push(["name", file.name]);
    if (file.description) rows.push(["description", clip(file.description, 70)]);
    rows.push(
      ["owner", record.owner],
      ["wallet", record.wallet ?? "-"],
      ["uri", clip(record.uri, 70)],
      ["capabilities", record.capabilities.map((c) => capabilityLabel(c, names)).join(", ") || "-"],
      ["stake", tokens(active)],
    );
    if (unbonding.amount > 0n) rows.push(["unbonding", `${tokens(unbonding.amount)}, withdrawable from ${time(unbonding.releaseAt)}`]);
    if (record.registeredAt > 0n) rows.push(["registered", time(record.registeredAt)]);
    return { data, text: fields(`agent ${id}`, rows) };
  },
};

const list: Command = {
  path: ["agent", "list"],
  summary: "List agents, optionally those declaring a capability",
  options: {
    capability: { type: "string", value: "NAME", description: "only agents declaring this capability (name or bytes32 id)" },
    limit: { type: "string", value: "N", description: "at most N agents (default 50)" },
    offset: { type: "string", value: "N", description: "skip the first N" },
  },
  async run({ flags, session }) {
    const agent = await session.agent();
    const capability = flags.string("capability");
    const limit = Number(parse.whole("limit", flags.string("limit") ?? "50", { bits: 16, min: 1n }));
    const offset = Number(parse.whole("offset", flags.string("offset") ?? "0", { bits: 32 }));
    const agents = await agent.identity.list({ ...(capability ? { capability } : {}), limit, offset });
    const rows = agents.map((a) => {
      const file = registrationOf(a.uri);
      const names = capabilityNames([...file.capabilities, ...(capability ? [capability] : [])]);
      return [String(a.id), short(a.owner), a.capabilities.map((c) => capabilityLabel(c, names)).join(",") || "-", file.name ?? clip(a.uri, 40)];
    });
    return { data: { agents: agents.map(agentJson) }, text: table(["ID", "OWNER", "CAPABILITIES", "NAME/URI"], rows, "no agents") };
  },
};

export const agentCommands: Command[] = [register, show, list];
