/** `stigmergy task post | list | show | claim | submit | accept | reject | cancel`: work claims. */
import { type Address, formatUnits, type Hex, zeroAddress } from "viem";
import type { Agent } from "../../agent.js";
import { contractAddress } from "../../deployment.js";
import { InvalidInputError } from "../../errors/input.js";
import { abis } from "../../generated/abis.js";
import { type Task, TASK_STATUSES, type TaskStatus } from "../../indexer/rows.js";
import type { Claim, PostTaskParameters } from "../../modules/tasks.js";
import * as v from "../../validate.js";
import type { Command, Flags, Options } from "../command.js";
import { NotFoundError } from "../errors.js";
import { capabilityLabel, clip, fields, short, table, time, tokens } from "../output.js";
import type { Session } from "../session.js";
import * as parse from "../values.js";
import { capabilityNames } from "./agent.js";

/** A reward or bond in its asset: "0.01 ETH", or token units with the token's address. */
export const money = (amount: bigint, token: Address): string =>
  token === zeroAddress ? `${formatUnits(amount, 18)} ETH` : `${formatUnits(amount, 18)} of ${short(token)}`;

/** Flags shared by `task post` and `schedule create`: what each task asks and pays. */
export const SPEC_OPTIONS = {
  spec: { type: "string", value: "URI", description: "what to do: a URI to the task's description (required)" },
  reward: { type: "string", value: "ETH", description: "reward, escrowed in full (required); with --start-reward, the reward at the deadline" },
  "start-reward": { type: "string", value: "ETH", description: "reward payable at posting, rising to --reward at the deadline (default: --reward)" },
  capability: { type: "string", value: "NAME", description: "capability a claimant must declare (default: any agent)" },
  lease: { type: "string", value: "S", description: "seconds a claim lasts before it must be renewed (default 300)" },
  "review-window": { type: "string", value: "S", description: "seconds the poster has to review a submission (default 3600)" },
  "claim-bond": { type: "string", value: "ETH", description: "bond a claimant posts, lost if its lease runs out (default 0)" },
  "min-stake": { type: "string", value: "TOKENS", description: "active stake a claimant needs (default 0)" },
  "abandon-slash": { type: "string", value: "TOKENS", description: "stake slashed from a claimant whose lease runs out (default 0)" },
  approver: { type: "string", value: "ADDRESS", description: "who answers escalations (default: the poster)" },
  token: { type: "string", value: "ADDRESS", description: "ERC-20 paying reward and bond, in 18-decimal units (default: ETH)" },
} as const satisfies Options;

/** `--name` or a usage-level error naming it. */
export function required(flags: Flags, name: string, what: string): string {
  const value = flags.string(name);
  if (value === undefined) throw new InvalidInputError(name, `required; pass --${name} with ${what}`);
  return value;
}

/** The task terms in the flags, in the SDK's shape (deadline and notBefore set by the caller). */
export function taskTerms(flags: Flags): Omit<PostTaskParameters, "deadline" | "notBefore"> {
  const opt = <T>(name: string, read: (raw: string) => T): T | undefined => {
    const raw = flags.string(name);
    return raw === undefined ? undefined : read(raw);
  };
  const maxReward = parse.ethAmount("reward", required(flags, "reward", "the reward in ETH"));
  const terms: Omit<PostTaskParameters, "deadline" | "notBefore"> = { specURI: required(flags, "spec", "a URI describing the task"), maxReward };
  const reward = opt("start-reward", (r) => parse.ethAmount("start-reward", r));
  if (reward !== undefined) terms.reward = reward;
  const capability = flags.string("capability");
  if (capability !== undefined) terms.capability = capability;
  const lease = opt("lease", (r) => parse.seconds("lease", r));
  if (lease !== undefined) terms.leaseDuration = lease;
  const review = opt("review-window", (r) => parse.seconds("review-window", r));
  if (review !== undefined) terms.reviewWindow = review;
  const bond = opt("claim-bond", (r) => parse.ethAmount("claim-bond", r));
  if (bond !== undefined) terms.claimBond = bond;
  const minStake = opt("min-stake", (r) => parse.tokenAmount("min-stake", r));
  if (minStake !== undefined) terms.minStake = minStake;
  const slash = opt("abandon-slash", (r) => parse.tokenAmount("abandon-slash", r));
  if (slash !== undefined) terms.abandonSlash = slash;
  const approver = opt("approver", (r) => v.address("approver", r));
  if (approver !== undefined) terms.approver = approver;
  const token = opt("token", (r) => v.address("token", r));
  if (token !== undefined) terms.rewardToken = token;
  return terms;
}

/** The chain's time: the latest block's timestamp. */
export const chainTime = async (agent: Agent): Promise<bigint> => (await agent.publicClient.getBlock({ blockTag: "latest" })).timestamp;

const statusOf = (raw: string | undefined): TaskStatus | undefined => {
  if (raw === undefined) return undefined;
  if (!(TASK_STATUSES as readonly string[]).includes(raw) || raw === "none") {
    throw new InvalidInputError("status", `expected one of ${TASK_STATUSES.filter((s) => s !== "none").join(", ")}`, raw);
  }
  return raw as TaskStatus;
};

/** A task by id; when the indexer has not caught up yet, from the chain; else NotFoundError. */
async function findTask(session: Session, id: bigint): Promise<Task> {
  const agent = await session.agent();
  const task = (await agent.tasks.get(id)) ?? (agent.indexer ? await (await session.chainAgent()).tasks.get(id) : null);
  if (!task) throw new NotFoundError(`task ${id} does not exist`, "List tasks with `stigmergy task list`.");
  return task;
}

const post: Command = {
  path: ["task", "post"],
  summary: "Post a task, escrowing its reward",
  options: {
    ...SPEC_OPTIONS,
    "deadline-in": { type: "string", value: "S", description: "claims close this long from now (default 1d)" },
    "not-before-in": { type: "string", value: "S", description: "claims open this long from now (default: at once)" },
  },
  examples: ["stigmergy task post --spec ipfs://Qm… --reward 0.01 --capability summarize --deadline-in 2h"],
  async run({ flags, session }) {
    const terms = taskTerms(flags);
    const agent = await session.agent();
    const deadlineIn = flags.string("deadline-in");
    const notBeforeIn = flags.string("not-before-in");
    const now = deadlineIn !== undefined || notBeforeIn !== undefined ? await chainTime(agent) : 0n;
    const params: PostTaskParameters = {
      ...terms,
      ...(deadlineIn !== undefined ? { deadline: now + parse.seconds("deadline-in", deadlineIn) } : {}),
      ...(notBeforeIn !== undefined ? { notBefore: now + parse.seconds("not-before-in", notBeforeIn) } : {}),
    };
    const posted = await session.progress.run("sending postTask", () => agent.tasks.post(params));
    const token = terms.rewardToken ?? zeroAddress;
    return {
      data: { taskId: posted.taskId, poster: agent.address, specURI: terms.specURI, maxReward: terms.maxReward, rewardToken: token, txHash: posted.hash },
      text: `posted task ${posted.taskId} (reward ${money(terms.maxReward, token)}); claim it with \`stigmergy task claim ${posted.taskId}\``,
    };
  },
};

const list: Command = {
  path: ["task", "list"],
  summary: "List tasks by status, capability, poster or claimant (oldest first)",
  options: {
    status: { type: "string", value: "STATUS", description: `only tasks in this status: ${TASK_STATUSES.filter((s) => s !== "none").join(", ")}` },
    capability: { type: "string", value: "NAME", multiple: true, description: "only tasks needing this capability (or none); repeatable" },
    poster: { type: "string", value: "ADDRESS", description: "only tasks from this poster" },
    claimant: { type: "string", value: "ID", description: "only tasks held (or last held) by this agent" },
    limit: { type: "string", value: "N", description: "at most N tasks (default 100)" },
  },
  details: ["Without an indexer, scans the newest tasks on chain (spec URIs are not shown then)."],
  async run({ flags, session }) {
    const status = statusOf(flags.string("status"));
    const capabilities = flags.strings("capability");
    const poster = flags.string("poster");
    const claimant = flags.string("claimant");
    const filter = {
      ...(status ? { status } : {}),
      ...(capabilities.length ? { capabilities } : {}),
      ...(poster ? { poster: v.address("poster", poster) } : {}),
      ...(claimant ? { claimant: parse.id("claimant", claimant) } : {}),
      limit: Number(parse.whole("limit", flags.string("limit") ?? "100", { bits: 16, min: 1n })),
    };
    const agent = await session.agent();
    const tasks = await agent.tasks.list(filter);
    const names = capabilityNames(capabilities);
    const rows = tasks.map((t) => [
      String(t.id),
      t.status,
      money(t.status === "open" ? t.maxReward : t.lockedReward, t.rewardToken),
      capabilityLabel(t.capability, names),
      t.claimant === 0n ? "-" : String(t.claimant),
      clip(t.specURI || "-", 40),
    ]);
    return { data: { tasks }, text: table(["ID", "STATUS", "REWARD", "CAPABILITY", "CLAIMANT", "SPEC"], rows, "no tasks") };
  },
};

type HistoryRow = { kind: string; agentId: string | null; attempt: number | null; blockNumber: string; timestamp: string; txHash: Hex };

const show: Command = {
  path: ["task", "show"],
  summary: "Show a task: status, terms, claimant, result and history",
  args: ["ID"],
  async run({ args, session }) {
    const id = parse.id("ID", args.ID!);
    const task = await findTask(session, id);
    const agent = await session.agent();
    const history = agent.indexer ? ((await agent.indexer.get<{ history: HistoryRow[] }>(`/tasks/${id}`))?.history ?? []) : [];
    const rows: Array<[string, string]> = [
      ["status", task.status],
      ["poster", task.poster],
      ["capability", capabilityLabel(task.capability)],
      ["spec", task.specURI || "-"],
      ["reward", task.reward === task.maxReward ? money(task.maxReward, task.rewardToken) : `${money(task.reward, task.rewardToken)} rising to ${money(task.maxReward, task.rewardToken)}`],
      ["deadline", time(task.deadline)],
      ["lease", `${task.leaseDuration} s`],
    ];
    if (task.claimBond > 0n) rows.push(["claim bond", money(task.claimBond, task.rewardToken)]);
    if (task.minStake > 0n) rows.push(["min stake", tokens(task.minStake)]);
    if (task.claimant !== 0n) rows.push(["claimant", `agent ${task.claimant} (attempt ${task.attempt})`]);
    if (task.status === "claimed") rows.push(["lease until", time(task.leaseExpiry)]);
    if (task.resultURI) rows.push(["result", task.resultURI]);
    if (task.status === "submitted" && task.reviewDeadline) rows.push(["review until", time(task.reviewDeadline)]);
    if (task.pendingHandoff !== 0n) rows.push(["handoff to", `agent ${task.pendingHandoff}`]);
    const events = history.map((h) => [h.kind, h.agentId ? `agent ${h.agentId}` : "-", h.attempt ? String(h.attempt) : "-", h.blockNumber, time(BigInt(h.timestamp))]);
    const log = table(["EVENT", "AGENT", "ATTEMPT", "BLOCK", "TIME"], events, "").replace(/^/gm, "  ");
    const text = fields(`task ${id}`, rows) + (events.length ? `\nhistory\n${log}` : "");
    return { data: { task, history }, text };
  },
};

async function claimById(session: Session, taskId: bigint, agentId: bigint): Promise<Claim> {
  const agent = await session.agent();
  return session.progress.run(`sending claim for task ${taskId}`, () => agent.tasks.claim(taskId, { agentId }));
}

async function claimNext(session: Session, flags: Flags, agentId: bigint): Promise<Claim> {
  const agent = await session.agent();
  const capabilities = flags.strings("capability");
  const poster = flags.string("poster");
  const filter = { agentId, ...(capabilities.length ? { capabilities } : {}), ...(poster ? { poster: v.address("poster", poster) } : {}) };
  const claimed = await session.progress.run("looking for an open task and claiming it", () => agent.tasks.claimNext(filter));
  if (!claimed) throw new NotFoundError("no open task to claim", "Post one with `stigmergy task post`, or widen the filter (--capability, --poster).");
  return claimed;
}

const claim: Command = {
  path: ["task", "claim"],
  summary: "Claim a task for the agent (without ID: the next open task it is eligible for)",
  args: ["ID?"],
  options: {
    capability: { type: "string", value: "NAME", multiple: true, description: "without ID: only tasks needing these capabilities (default: the agent's own)" },
    poster: { type: "string", value: "ADDRESS", description: "without ID: only tasks from this poster" },
  },
  details: [
    "Without ID, picks among the open tasks so that agents claiming at the same time rarely collide,",
    "and moves on when another agent wins a race. Exits 4 when there is nothing to claim.",
  ],
  async run({ args, flags, session }) {
    const agentId = await session.actingAgent();
    const c = args.ID !== undefined ? await claimById(session, parse.id("ID", args.ID), agentId) : await claimNext(session, flags, agentId);
    return {
      data: { taskId: c.taskId, agentId: c.agentId, attempt: c.attempt, leaseExpiry: c.leaseExpiry, lockedReward: c.lockedReward, txHash: c.hash },
      text: `agent ${c.agentId} claimed task ${c.taskId} (attempt ${c.attempt}, lease until ${time(c.leaseExpiry)}); submit with \`stigmergy task submit ${c.taskId} --attempt ${c.attempt} --result URI\``,
    };
  },
};

/** The attempt a task is in now (from the chain, so a lagging indexer cannot mislead). */
async function currentAttempt(agent: Agent, taskId: bigint): Promise<number> {
  const t = await agent.publicClient.readContract({ address: contractAddress(agent.deployment, "TaskBoard"), abi: abis.TaskBoard, functionName: "getTask", args: [taskId] });
  if (t.status === 0) throw new NotFoundError(`task ${taskId} does not exist`);
  return t.attempt;
}

const submit: Command = {
  path: ["task", "submit"],
  summary: "Submit a result for a task the agent holds",
  args: ["ID"],
  options: {
    result: { type: "string", value: "URI", description: "where the result is (required)" },
    attempt: { type: "string", value: "N", description: "the attempt the claim was (default: the task's current attempt)" },
    "result-hash": { type: "string", value: "0x…", description: "keccak256 of the result (default: of the URI)" },
  },
  async run({ args, flags, session }) {
    const id = parse.id("ID", args.ID!);
    const resultURI = required(flags, "result", "a URI to the result");
    const hash = flags.string("result-hash");
    const agent = await session.agent();
    const rawAttempt = flags.string("attempt");
    const attempt = rawAttempt === undefined ? await currentAttempt(agent, id) : Number(parse.whole("attempt", rawAttempt, { bits: 32, min: 1n }));
    const s = await session.progress.run(`submitting the result of task ${id}`, () => agent.tasks.submit(id, attempt, resultURI, hash === undefined ? undefined : v.bytes32("result-hash", hash)));
    return { data: { taskId: id, attempt, resultURI, reviewDeadline: s.reviewDeadline, txHash: s.hash }, text: `submitted task ${id} (attempt ${attempt}); review until ${time(s.reviewDeadline)}` };
  },
};

/** `task <verb> ID` for the poster's calls that return a plain receipt. */
const posterCall = (verb: "accept" | "cancel", summary: string, past: string): Command => ({
  path: ["task", verb],
  summary,
  args: ["ID"],
  async run({ args, session }) {
    const id = parse.id("ID", args.ID!);
    const agent = await session.agent();
    const sent = await session.progress.run(`sending ${verb} for task ${id}`, () => agent.tasks[verb](id));
    return { data: { taskId: id, txHash: sent.hash }, text: `${past} task ${id} (tx ${sent.hash})` };
  },
});

const reject: Command = {
  path: ["task", "reject"],
  summary: "Reject a submission (the poster, within the review window): the task reopens",
  args: ["ID"],
  options: { reason: { type: "string", value: "URI", description: "why, as a URI (required)" } },
  async run({ args, flags, session }) {
    const id = parse.id("ID", args.ID!);
    const reason = required(flags, "reason", "a URI explaining the rejection");
    const agent = await session.agent();
    const sent = await session.progress.run(`sending reject for task ${id}`, () => agent.tasks.reject(id, reason));
    return { data: { taskId: id, reasonURI: reason, txHash: sent.hash }, text: `rejected the submission of task ${id}; it is open again` };
  },
};

export const taskCommands: Command[] = [
  post,
  list,
  show,
  claim,
  submit,
  posterCall("accept", "Accept a submission (the poster; anyone after the review window): pays the claimant", "accepted"),
  reject,
  posterCall("cancel", "Cancel an open task (the poster): the escrow comes back as credit", "cancelled"),
];
