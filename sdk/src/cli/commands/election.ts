/**
 * `stigmergy group create | join | leave | elect | leader | heartbeat | failover`: leader election
 * (the `election` primitive).
 */
import { type Command, lazy } from "../command.js";

const load = () => import("../run/election.js");

const create: Command = {
  path: ["group", "create"],
  summary: "Create a group whose members elect a stake-weighted leader each epoch",
  args: ["NAME"],
  options: {
    epoch: { type: "string", value: "S", description: "seconds a leader's term lasts (required)" },
    "heartbeat-timeout": {
      type: "string",
      value: "S",
      description: "seconds without a heartbeat before anyone may fail the leader over (required)",
    },
    "min-stake": { type: "string", value: "TOKENS", description: "stake a member needs (default 0)" },
    "failover-slash": {
      type: "string",
      value: "TOKENS",
      description: "stake slashed from a leader that is failed over (default 0)",
    },
  },
  examples: ["stigmergy group create reviewers --epoch 1h --heartbeat-timeout 60 --min-stake 10"],
  run: lazy(load, "create"),
};

/** `group <verb> ID` for the calls that take the acting agent and return a plain receipt. */
const memberCall = (verb: "join" | "leave" | "heartbeat", summary: string): Command => ({
  path: ["group", verb],
  summary,
  args: ["ID"],
  run: lazy(load, verb),
});

const elect: Command = {
  path: ["group", "elect"],
  summary: "Draw the epoch's leader, weighted by stake (anyone, once per epoch)",
  args: ["ID"],
  run: lazy(load, "elect"),
};

const failover: Command = {
  path: ["group", "failover"],
  summary: "Replace a leader whose heartbeat timed out (anyone): slashes it and draws a new one",
  args: ["ID"],
  run: lazy(load, "failover"),
};

const leader: Command = {
  path: ["group", "leader"],
  summary: "Show a group's leader, term, epoch and heartbeat deadline",
  args: ["ID"],
  run: lazy(load, "leader"),
};

export const electionCommands: Command[] = [
  create,
  memberCall("join", "Join a group with the agent's stake as its weight"),
  memberCall("leave", "Leave a group"),
  elect,
  leader,
  memberCall("heartbeat", "Prove the leader is alive (the leader only)"),
  failover,
];
