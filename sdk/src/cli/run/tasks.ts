/** What `stigmergy task …` does (work claims), loaded when one of its commands runs. */

import { abis, contractAddress } from "@stigmergy/contracts";
import { type Address, formatUnits, type Hex, zeroAddress } from "viem";
import type { Claim } from "../../actions/tasks/claimTask.js";
import type { PostTaskParameters } from "../../actions/tasks/postTask.js";
import type { Agent } from "../../agent.js";
import { InvalidInputError } from "../../errors/input.js";
import { NotFoundError } from "../../errors/notFound.js";
import { TASK_STATUSES, type Task, type TaskStatus } from "../../indexer/rows.js";
import { chainNow } from "../../utils/watch.js";
import * as v from "../../validate.js";
import type { CommandInput, Flags } from "../command.js";
import { capabilityLabel, clip, fields, short, table, time, tokens } from "../format.js";
import type { CommandResult } from "../output.js";
import type { Session } from "../session.js";
import * as parse from "../values.js";
import { capabilityNames } from "./identity.js";

/** A reward or bond in its asset: "0.01 ETH", or token units with the token's address. */
export const money = (amount: bigint, token: Address): string =>
  token === zeroAddress ? `${formatUnits(amount, 18)} ETH` : `${formatUnits(amount, 18)} of ${short(token)}`;

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
  const terms: Omit<PostTaskParameters, "deadline" | "notBefore"> = {
    specURI: required(flags, "spec", "a URI describing the task"),
    maxReward,
  };
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

const statusOf = (raw: string | undefined): TaskStatus | undefined => {
  if (raw === undefined) return undefined;
  if (!(TASK_STATUSES as readonly string[]).includes(raw) || raw === "none") {
    throw new InvalidInputError(
      "status",
      `expected one of ${TASK_STATUSES.filter((s) => s !== "none").join(", ")}`,
      raw,
    );
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

type HistoryRow = {
  kind: string;
  agentId: string | null;
  attempt: number | null;
  blockNumber: string;
  timestamp: string;
  txHash: Hex;
};

async function claimById(session: Session, taskId: bigint, agentId: bigint): Promise<Claim> {
  const agent = await session.agent();
  return session.progress.run(`sending claim for task ${taskId}`, () => agent.tasks.claim(taskId, { agentId }));
}

/** How long `task claim` waits for the indexer to reach the node's latest block before it looks. */
const CATCH_UP_MS = 30_000;

/**
 * Waits until the indexer has indexed the node's latest block (so a task posted by the command
 * before is seen), at most `CATCH_UP_MS`; whether it got there. Without an indexer, or one that does
 * not say (no `/status`, or not this chain), true: the claim goes on as before.
 */
async function indexerAtHead(agent: Agent): Promise<boolean> {
  const indexer = agent.indexer;
  if (!indexer) return true;
  const head = await agent.publicClient.getBlockNumber();
  const end = Date.now() + CATCH_UP_MS;
  type Status = Record<string, { id: number; block?: { number: number } }>;
  for (;;) {
    const status = await indexer.get<Status>("/status").catch(() => null);
    const chain = Object.values(status ?? {}).find((c) => c.id === agent.deployment.chainId);
    if (!chain) return true;
    if (chain.block !== undefined && BigInt(chain.block.number) >= head) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function claimNext(session: Session, flags: Flags, agentId: bigint): Promise<Claim> {
  const agent = await session.agent();
  const current = await session.progress.run("waiting for the indexer to reach the latest block", () =>
    indexerAtHead(agent),
  );
  const capabilities = flags.strings("capability");
  const poster = flags.string("poster");
  const filter = {
    agentId,
    ...(capabilities.length ? { capabilities } : {}),
    ...(poster ? { poster: v.address("poster", poster) } : {}),
  };
  const claimed = await session.progress.run("looking for an open task and claiming it", () =>
    agent.tasks.claimNext(filter),
  );
  if (!claimed)
    throw new NotFoundError(
      current ? "no open task to claim" : `no open task to claim (the indexer is behind the node's latest block)`,
      "Post one with `stigmergy task post`, or widen the filter (--capability, --poster).",
    );
  return claimed;
}

/** The attempt a task is in now (from the chain, so a lagging indexer cannot mislead). */
async function currentAttempt(agent: Agent, taskId: bigint): Promise<number> {
  const t = await agent.publicClient.readContract({
    address: contractAddress(agent.deployment, "TaskBoard"),
    abi: abis.TaskBoard,
    functionName: "getTask",
    args: [taskId],
  });
  if (t.status === 0) throw new NotFoundError(`task ${taskId} does not exist`);
  return t.attempt;
}

/** `task accept | cancel ID`: the poster's calls that return a plain receipt. */
async function posterCall(
  verb: "accept" | "cancel",
  past: string,
  { args, session }: CommandInput,
): Promise<CommandResult> {
  const id = parse.id("ID", args.ID!);
  const agent = await session.agent();
  const sent = await session.progress.run(`sending ${verb} for task ${id}`, () => agent.tasks[verb](id));
  return { data: { taskId: id, txHash: sent.hash }, text: `${past} task ${id} (tx ${sent.hash})` };
}

export const accept = (input: CommandInput) => posterCall("accept", "accepted", input);
export const cancel = (input: CommandInput) => posterCall("cancel", "cancelled", input);

export async function post({ flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const terms = taskTerms(flags);
  const agent = await session.agent();
  const deadlineIn = flags.string("deadline-in");
  const notBeforeIn = flags.string("not-before-in");
  const now = deadlineIn !== undefined || notBeforeIn !== undefined ? await chainNow(agent) : 0n;
  const params: PostTaskParameters = {
    ...terms,
    ...(deadlineIn !== undefined ? { deadline: now + parse.seconds("deadline-in", deadlineIn) } : {}),
    ...(notBeforeIn !== undefined ? { notBefore: now + parse.seconds("not-before-in", notBeforeIn) } : {}),
  };
  const posted = await session.progress.run("sending postTask", () => agent.tasks.post(params));
  const token = terms.rewardToken ?? zeroAddress;
  return {
    data: {
      taskId: posted.taskId,
      poster: agent.address,
      specURI: terms.specURI,
      maxReward: terms.maxReward,
      rewardToken: token,
      txHash: posted.hash,
    },
    text:
      `posted task ${posted.taskId} (reward ${money(terms.maxReward, token)}); ` +
      `claim it with \`stigmergy task claim ${posted.taskId}\``,
  };
}

export async function list({ flags, session }: CommandInput): Promise<CommandResult | undefined> {
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
  return {
    data: { tasks },
    text: table(["ID", "STATUS", "REWARD", "CAPABILITY", "CLAIMANT", "SPEC"], rows, "no tasks"),
  };
}

export async function show({ args, session }: CommandInput): Promise<CommandResult | undefined> {
  const id = parse.id("ID", args.ID!);
  const task = await findTask(session, id);
  const agent = await session.agent();
  const chain = { chain: agent.deployment.chainId };
  const indexed = agent.indexer && (await agent.indexer.get<{ history: HistoryRow[] }>(`/tasks/${id}`, chain));
  const history = indexed?.history ?? [];
  const rows: Array<[string, string]> = [
    ["status", task.status],
    ["poster", task.poster],
    ["capability", capabilityLabel(task.capability)],
    ["spec", task.specURI || "-"],
    [
      "reward",
      task.reward === task.maxReward
        ? money(task.maxReward, task.rewardToken)
        : `${money(task.reward, task.rewardToken)} rising to ${money(task.maxReward, task.rewardToken)}`,
    ],
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
  const events = history.map((h) => [
    h.kind,
    h.agentId ? `agent ${h.agentId}` : "-",
    h.attempt ? String(h.attempt) : "-",
    h.blockNumber,
    time(BigInt(h.timestamp)),
  ]);
  const log = table(["EVENT", "AGENT", "ATTEMPT", "BLOCK", "TIME"], events, "").replace(/^/gm, "  ");
  const text = fields(`task ${id}`, rows) + (events.length ? `\nhistory\n${log}` : "");
  return { data: { task, history }, text };
}

export async function claim({ args, flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const agentId = await session.actingAgent();
  const c =
    args.ID !== undefined
      ? await claimById(session, parse.id("ID", args.ID), agentId)
      : await claimNext(session, flags, agentId);
  return {
    data: {
      taskId: c.taskId,
      agentId: c.agentId,
      attempt: c.attempt,
      leaseExpiry: c.leaseExpiry,
      lockedReward: c.lockedReward,
      txHash: c.hash,
    },
    text:
      `agent ${c.agentId} claimed task ${c.taskId} (attempt ${c.attempt}, lease until ${time(c.leaseExpiry)}); ` +
      `submit with \`stigmergy task submit ${c.taskId} --attempt ${c.attempt} --result URI\``,
  };
}

export async function submit({ args, flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const id = parse.id("ID", args.ID!);
  const resultURI = required(flags, "result", "a URI to the result");
  const hash = flags.string("result-hash");
  const agent = await session.agent();
  const rawAttempt = flags.string("attempt");
  const attempt =
    rawAttempt === undefined
      ? await currentAttempt(agent, id)
      : Number(parse.whole("attempt", rawAttempt, { bits: 32, min: 1n }));
  const s = await session.progress.run(`submitting the result of task ${id}`, () =>
    agent.tasks.submit(id, attempt, resultURI, hash === undefined ? undefined : v.bytes32("result-hash", hash)),
  );
  return {
    data: { taskId: id, attempt, resultURI, reviewDeadline: s.reviewDeadline, txHash: s.hash },
    text: `submitted task ${id} (attempt ${attempt}); review until ${time(s.reviewDeadline)}`,
  };
}

export async function reject({ args, flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const id = parse.id("ID", args.ID!);
  const reason = required(flags, "reason", "a URI explaining the rejection");
  const agent = await session.agent();
  const sent = await session.progress.run(`sending reject for task ${id}`, () => agent.tasks.reject(id, reason));
  return {
    data: { taskId: id, reasonURI: reason, txHash: sent.hash },
    text: `rejected the submission of task ${id}; it is open again`,
  };
}

export async function escalate({ args, flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const id = parse.id("ID", args.ID!);
  const questionURI = required(flags, "question", "a URI to the question");
  const agent = await session.agent();
  const rawAttempt = flags.string("attempt");
  const attempt =
    rawAttempt === undefined
      ? await currentAttempt(agent, id)
      : Number(parse.whole("attempt", rawAttempt, { bits: 32, min: 1n }));
  const sent = await session.progress.run(`escalating task ${id}`, () =>
    agent.tasks.escalate(id, attempt, questionURI),
  );
  const { answerBy } = sent;
  return {
    data: { taskId: id, attempt, questionURI, answerBy, leaseRemaining: sent.leaseRemaining, txHash: sent.hash },
    text:
      `escalated task ${id} (attempt ${attempt}); ` +
      `its approver can answer until ${time(answerBy)}, the lease clock stopped`,
  };
}

export async function resolve({ args, flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const id = parse.id("ID", args.ID!);
  const answerURI = required(flags, "answer", "a URI to the answer");
  const resume = flags.flag("resume");
  const agent = await session.agent();
  const sent = await session.progress.run(`answering the escalation of task ${id}`, () =>
    agent.tasks.resolveEscalation(id, answerURI, resume),
  );
  const outcome = resume ? "its claimant carries on" : "it is open again";
  return {
    data: { taskId: id, answerURI, resume, txHash: sent.hash },
    text: `answered the escalation of task ${id}; ${outcome}`,
  };
}

export async function expireEscalation({ args, session }: CommandInput): Promise<CommandResult | undefined> {
  const id = parse.id("ID", args.ID!);
  const agent = await session.agent();
  const sent = await session.progress.run(`expiring the escalation of task ${id}`, () =>
    agent.tasks.expireEscalation(id),
  );
  return {
    data: { taskId: id, txHash: sent.hash },
    text: `expired the unanswered escalation of task ${id}; it is open again`,
  };
}
