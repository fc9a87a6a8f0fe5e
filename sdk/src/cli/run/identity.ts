/** What `stigmergy agent …` does (ERC-8004 identities), loaded when one of its commands runs. */
import { keccak256, stringToHex } from "viem";
import { InvalidInputError } from "../../errors/input.js";
import { NotFoundError } from "../../errors/notFound.js";
import { registrationFile, toDataURI } from "../../identity/registration.js";
import type { AgentRecord } from "../../indexer/rows.js";
import type { CommandInput } from "../command.js";
import { capabilityLabel, clip, fields, short, table, time, tokens } from "../format.js";
import type { CommandResult } from "../output.js";
import * as parse from "../values.js";

/** What a `data:` registration file says about the agent (name, description, capability names). */
export function registrationOf(uri: string): { name?: string; description?: string; capabilities: string[] } {
  const prefix = "data:application/json;base64,";
  if (!uri.startsWith(prefix)) return { capabilities: [] };
  try {
    const file = JSON.parse(Buffer.from(uri.slice(prefix.length), "base64").toString("utf8")) as Record<
      string,
      unknown
    >;
    return {
      ...(typeof file.name === "string" ? { name: file.name } : {}),
      ...(typeof file.description === "string" ? { description: file.description } : {}),
      capabilities: Array.isArray(file.capabilities)
        ? file.capabilities.filter((c): c is string => typeof c === "string")
        : [],
    };
  } catch {
    return { capabilities: [] };
  }
}

/** Capability ids by lower-case hex → name, for names the caller knows. */
export const capabilityNames = (names: readonly string[]): Map<string, string> =>
  new Map(names.filter((n) => !n.startsWith("0x")).map((n) => [keccak256(stringToHex(n)).toLowerCase(), n]));

/** An agent with what its `data:` registration file says (name, description, capability names). */
function agentJson(a: AgentRecord) {
  const { capabilities: capabilityNames, ...file } = registrationOf(a.uri);
  return { ...a, ...file, ...(capabilityNames.length ? { capabilityNames } : {}) };
}

export async function register({ flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const capabilities = flags.strings("capability");
  const name = flags.string("name");
  let uri = flags.string("uri");
  if (uri === undefined) {
    if (name === undefined)
      throw new InvalidInputError("uri", "give --uri, or --name (and --description) to build a registration file");
    uri = toDataURI(registrationFile({ name, description: flags.string("description") ?? "", capabilities }));
  }
  const agent = await session.agent();
  const registered = await session.progress.run("sending register", () =>
    agent.identity.register({ uri, capabilities }),
  );
  const data = { agentId: registered.agentId, owner: agent.address, uri, capabilities, txHash: registered.hash };
  const caps = capabilities.length ? ` with ${capabilities.join(", ")}` : "";
  return {
    data,
    text: `registered agent ${registered.agentId}${caps} (owner ${agent.address}, tx ${registered.hash})`,
  };
}

export async function show({ args, session }: CommandInput): Promise<CommandResult | undefined> {
  const agent = await session.agent();
  const id = args.ID === undefined ? await session.actingAgent() : parse.id("ID", args.ID);
  // The indexer may not have caught up with a fresh registration: ask the chain before saying no.
  const record =
    (await agent.identity.get(id)) ?? (agent.indexer ? await (await session.chainAgent()).identity.get(id) : null);
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
  if (unbonding.amount > 0n)
    rows.push(["unbonding", `${tokens(unbonding.amount)}, withdrawable from ${time(unbonding.releaseAt)}`]);
  if (record.registeredAt > 0n) rows.push(["registered", time(record.registeredAt)]);
  return { data, text: fields(`agent ${id}`, rows) };
}

export async function list({ flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const agent = await session.agent();
  const capability = flags.string("capability");
  const limit = Number(parse.whole("limit", flags.string("limit") ?? "50", { bits: 16, min: 1n }));
  const offset = Number(parse.whole("offset", flags.string("offset") ?? "0", { bits: 32 }));
  const agents = await agent.identity.list({ ...(capability ? { capability } : {}), limit, offset });
  const rows = agents.map((a) => {
    const file = registrationOf(a.uri);
    const names = capabilityNames([...file.capabilities, ...(capability ? [capability] : [])]);
    return [
      String(a.id),
      short(a.owner),
      a.capabilities.map((c) => capabilityLabel(c, names)).join(",") || "-",
      file.name ?? clip(a.uri, 40),
    ];
  });
  return {
    data: { agents: agents.map(agentJson) },
    text: table(["ID", "OWNER", "CAPABILITIES", "NAME/URI"], rows, "no agents"),
  };
}
