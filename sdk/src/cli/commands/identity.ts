/** `stigmergy agent register | show | list`: ERC-8004 identities (the `identity` primitive). */
import { type Command, lazy } from "../command.js";

const load = () => import("../run/identity.js");

const register: Command = {
  path: ["agent", "register"],
  summary: "Register a new agent owned by the account",
  options: {
    uri: {
      type: "string",
      value: "URI",
      description: "where the agent's registration file lives (ipfs://…, https://…)",
    },
    name: {
      type: "string",
      value: "NAME",
      description: "without --uri: build a registration file with this name (inlined as a data: URI)",
    },
    description: { type: "string", value: "TEXT", description: "without --uri: the registration file's description" },
    capability: {
      type: "string",
      multiple: true,
      value: "NAME",
      description: "declare a capability (name or bytes32 id); repeatable",
    },
  },
  details: [
    "Give --uri, or --name (and --description) to inline an ERC-8004 registration file " +
      "as a data: URI (fine for local chains).",
  ],
  examples: [
    "stigmergy agent register --account 1 --name summarizer --capability summarize",
    "stigmergy agent register --uri ipfs://Qm… --capability code/review --json",
  ],
  run: lazy(load, "register"),
};

const show: Command = {
  path: ["agent", "show"],
  summary: "Show an agent: owner, wallet, URI, capabilities, stake",
  args: ["ID?"],
  details: ["Without ID, shows the agent you act as (--agent, or the newest agent the account owns)."],
  run: lazy(load, "show"),
};

const list: Command = {
  path: ["agent", "list"],
  summary: "List agents, optionally those declaring a capability",
  options: {
    capability: {
      type: "string",
      value: "NAME",
      description: "only agents declaring this capability (name or bytes32 id)",
    },
    limit: { type: "string", value: "N", description: "at most N agents (default 50)" },
    offset: { type: "string", value: "N", description: "skip the first N" },
  },
  run: lazy(load, "list"),
};

export const identityCommands: Command[] = [register, show, list];
