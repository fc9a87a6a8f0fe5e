/**
 * `stigmergy task post | list | show | claim | submit | accept | reject | cancel | escalate | resolve |
 * expire-escalation`: work claims (the `tasks` primitive).
 */
import { TASK_STATUSES } from "../../indexer/rows.js";
import { type Command, lazy, type Options } from "../command.js";

const load = () => import("../run/tasks.js");

/** Flags shared by `task post` and `schedule create`: what each task asks and pays. */
export const SPEC_OPTIONS = {
  spec: { type: "string", value: "URI", description: "what to do: a URI to the task's description (required)" },
  reward: {
    type: "string",
    value: "ETH",
    description: "reward, escrowed in full (required); with --start-reward, the reward at the deadline",
  },
  "start-reward": {
    type: "string",
    value: "ETH",
    description: "reward payable at posting, rising to --reward at the deadline (default: --reward)",
  },
  capability: { type: "string", value: "NAME", description: "capability a claimant must declare (default: any agent)" },
  lease: { type: "string", value: "S", description: "seconds a claim lasts before it must be renewed (default 300)" },
  "review-window": {
    type: "string",
    value: "S",
    description: "seconds the poster has to review a submission (default 3600)",
  },
  "claim-bond": {
    type: "string",
    value: "ETH",
    description: "bond a claimant posts, lost if its lease runs out (default 0)",
  },
  "min-stake": { type: "string", value: "TOKENS", description: "active stake a claimant needs (default 0)" },
  "abandon-slash": {
    type: "string",
    value: "TOKENS",
    description: "stake slashed from a claimant whose lease runs out (default 0)",
  },
  approver: { type: "string", value: "ADDRESS", description: "who answers escalations (default: the poster)" },
  token: {
    type: "string",
    value: "ADDRESS",
    description: "ERC-20 paying reward and bond, in 18-decimal units (default: ETH)",
  },
} as const satisfies Options;

const post: Command = {
  path: ["task", "post"],
  summary: "Post a task, escrowing its reward",
  options: {
    ...SPEC_OPTIONS,
    "deadline-in": { type: "string", value: "S", description: "claims close this long from now (default 1d)" },
    "not-before-in": { type: "string", value: "S", description: "claims open this long from now (default: at once)" },
  },
  examples: ["stigmergy task post --spec ipfs://Qm… --reward 0.01 --capability summarize --deadline-in 2h"],
  run: lazy(load, "post"),
};

const list: Command = {
  path: ["task", "list"],
  summary: "List tasks by status, capability, poster or claimant (oldest first)",
  options: {
    status: {
      type: "string",
      value: "STATUS",
      description: `only tasks in this status: ${TASK_STATUSES.filter((s) => s !== "none").join(", ")}`,
    },
    capability: {
      type: "string",
      value: "NAME",
      multiple: true,
      description: "only tasks needing this capability (or none); repeatable",
    },
    poster: { type: "string", value: "ADDRESS", description: "only tasks from this poster" },
    claimant: { type: "string", value: "ID", description: "only tasks held (or last held) by this agent" },
    limit: { type: "string", value: "N", description: "at most N tasks (default 100)" },
  },
  details: ["Without an indexer, scans the newest tasks on chain (spec URIs are not shown then)."],
  run: lazy(load, "list"),
};

const show: Command = {
  path: ["task", "show"],
  summary: "Show a task: status, terms, claimant, result and history",
  args: ["ID"],
  run: lazy(load, "show"),
};

const claim: Command = {
  path: ["task", "claim"],
  summary: "Claim a task for the agent (without ID: the next open task it is eligible for)",
  args: ["ID?"],
  options: {
    capability: {
      type: "string",
      value: "NAME",
      multiple: true,
      description: "without ID: only tasks needing these capabilities (default: the agent's own)",
    },
    poster: { type: "string", value: "ADDRESS", description: "without ID: only tasks from this poster" },
  },
  details: [
    "Without ID, picks among the open tasks so that agents claiming at the same time rarely collide,",
    "and moves on when another agent wins a race. Exits 4 when there is nothing to claim.",
  ],
  run: lazy(load, "claim"),
};

const submit: Command = {
  path: ["task", "submit"],
  summary: "Submit a result for a task the agent holds",
  args: ["ID"],
  options: {
    result: { type: "string", value: "URI", description: "where the result is (required)" },
    attempt: {
      type: "string",
      value: "N",
      description: "the attempt the claim was (default: the task's current attempt)",
    },
    "result-hash": { type: "string", value: "0x…", description: "keccak256 of the result (default: of the URI)" },
  },
  run: lazy(load, "submit"),
};

/** `task <verb> ID` for the poster's calls that return a plain receipt. */
const posterCall = (verb: "accept" | "cancel", summary: string): Command => ({
  path: ["task", verb],
  summary,
  args: ["ID"],
  run: lazy(load, verb),
});

const reject: Command = {
  path: ["task", "reject"],
  summary: "Reject a submission (the poster, within the review window): the task reopens",
  args: ["ID"],
  options: { reason: { type: "string", value: "URI", description: "why, as a URI (required)" } },
  run: lazy(load, "reject"),
};

const escalate: Command = {
  path: ["task", "escalate"],
  summary: "Ask the task's approver a question (the claimant): the lease clock stops until the answer",
  args: ["ID"],
  options: {
    question: { type: "string", value: "URI", description: "the question, as a URI (required)" },
    attempt: {
      type: "string",
      value: "N",
      description: "the attempt the claim was (default: the task's current attempt)",
    },
  },
  details: ["The approver has the task's review window (at least 1 h) to answer with `stigmergy task resolve`."],
  run: lazy(load, "escalate"),
};

const resolve: Command = {
  path: ["task", "resolve"],
  summary: "Answer a task's escalation (its approver): --resume gives it back to the claimant, else it reopens",
  args: ["ID"],
  options: {
    answer: { type: "string", value: "URI", description: "the answer, as a URI (required)" },
    resume: {
      type: "boolean",
      description: "the claimant carries on with the lease time it had left (default: the task reopens)",
    },
  },
  run: lazy(load, "resolve"),
};

const expireEscalation: Command = {
  path: ["task", "expire-escalation"],
  summary: "End an escalation its approver left unanswered past its deadline (anyone): the task reopens",
  args: ["ID"],
  details: ["The claimant is released without penalty (its bond comes back)."],
  run: lazy(load, "expireEscalation"),
};

export const tasksCommands: Command[] = [
  post,
  list,
  show,
  claim,
  submit,
  posterCall("accept", "Accept a submission (the poster; anyone after the review window): pays the claimant"),
  reject,
  posterCall("cancel", "Cancel an open task (the poster): the escrow comes back as credit"),
  escalate,
  resolve,
  expireEscalation,
];
