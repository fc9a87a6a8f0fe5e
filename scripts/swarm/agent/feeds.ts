/**
 * What a swarm agent hears, all through the SDK: what the indexer pushes (leader changes, the
 * leadership's pulse, its inbox, the group channel, due schedule rounds, open tasks, the board a
 * leader reviews) and what it reads when deciding (the group's members and their capabilities,
 * who was failed over, a task's history, whether a round was spawned). No SQL here.
 */
import type { Hex } from "viem";
import { zeroHash } from "viem";
import type { DueRound, GroupMember, Leadership, Message, Task, TaskStatus } from "../../../sdk/src/index.ts";
import type { SwarmAgent } from "./state.ts";

/** Subscribes `start` unless the agent is stopping, and unsubscribes it when it stops. */
function follow(s: SwarmAgent, what: string, start: (onError: (e: Error) => void) => () => void) {
  s.cleanups.push(start((e) => !s.stopped && s.warn(what, e)));
}

// ---------------------------------------------------------------- pushed

/** Calls `onSeat` with the group's leadership whenever its leader or term changes. */
export const followLeaderChanges = (s: SwarmAgent, onSeat: (l: Leadership) => void) =>
  follow(s, "leader feed", (onError) => s.agent.election.onLeaderChange(s.groupId, onSeat, onError));

/** Calls `onLeadership` after every change of the group's leadership, heartbeats included. */
export const followPulse = (s: SwarmAgent, onLeadership: (l: Leadership) => void) =>
  follow(s, "group feed", (onError) => s.agent.election.watchLeadership(s.groupId, onLeadership, onError));

/** Calls `onMessage` with each new message in the agent's inbox. */
export const followInbox = (s: SwarmAgent, onMessage: (m: Message) => void) =>
  follow(s, "inbox feed", (onError) => s.agent.messages.onMessage({ toAgentId: s.me() }, onMessage, onError));

/** Calls `onMessage` with each new message on the group's channel. */
export const followChannel = (s: SwarmAgent, onMessage: (m: Message) => void) =>
  follow(s, "channel feed", (onError) => s.agent.messages.onMessage({ channel: s.chain.channel }, onMessage, onError));

/** Calls `onDue` with each schedule round that falls due. */
export const followDueRounds = (s: SwarmAgent, onDue: (round: DueRound) => void) =>
  follow(s, "schedule feed", (onError) => s.agent.schedules.onDue(onDue, onError));

/** Calls `onOpen` with the open tasks the agent can do, after every change. */
export const followOpenTasks = (s: SwarmAgent, onOpen: (tasks: Task[]) => void) =>
  follow(s, "open-task feed", (onError) =>
    s.agent.tasks.watchOpen({ capabilities: s.config.capabilities }, onOpen, onError),
  );

/** The statuses of tasks a leader has business with. */
const ACTIVE: TaskStatus[] = ["open", "claimed", "submitted", "escalated"];

/**
 * Calls `onTasks` with every unsettled task, after every change; returns the unsubscribe function (the term ends it).
 */
export const followBoard = (s: SwarmAgent, onTasks: (tasks: Task[]) => void): (() => void) =>
  s.agent.tasks.watchList(
    { status: ACTIVE, limit: 500 },
    onTasks,
    (e) => !s.stopped && s.warn("leader's task feed", e),
  );

/** Resolves true once `check` holds for the task (pushed on every change), false after `timeoutMs`. */
export function untilTask(
  s: SwarmAgent,
  taskId: bigint,
  check: (task: Task) => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      queueMicrotask(() => unsubscribe());
      resolve(value);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    const unsubscribe = s.agent.tasks.watch(taskId, (task) => {
      void Promise.resolve(check(task)).then(
        (ok) => ok && finish(true),
        () => undefined,
      );
    });
  });
}

/** Resolves true once the task's history shows its escalation answered (or expired) after block `since`. */
export const untilEscalationAnswered = (s: SwarmAgent, taskId: bigint, since: bigint, timeoutMs: number) =>
  untilTask(
    s,
    taskId,
    async () =>
      (await s.agent.tasks.history(taskId)).some(
        (e) => (e.kind === "EscalationResolved" || e.kind === "EscalationExpired") && e.blockNumber > since,
      ),
    timeoutMs,
  );

// ---------------------------------------------------------------- read when deciding

/** The group's members (with their capabilities) and the leaders failed over so far. */
export async function roster(s: SwarmAgent): Promise<{ members: GroupMember[]; failed: Set<bigint> }> {
  const [members, terms] = await Promise.all([s.agent.election.members(s.groupId), s.agent.election.terms(s.groupId)]);
  return { members, failed: new Set(terms.filter((t) => t.failedOverBy !== null).map((t) => t.agentId)) };
}

/** Members that are neither the leader, failed over, nor this agent, by id. */
export async function liveWorkers(s: SwarmAgent, leader: bigint): Promise<GroupMember[]> {
  const { members, failed } = await roster(s);
  return members.filter((m) => m.agentId !== leader && !failed.has(m.agentId) && m.agentId !== s.me());
}

/** Whether a member declares what a task needs. */
export const canDo = (member: GroupMember, capability: Hex) =>
  capability === zeroHash || member.capabilities.includes(capability);

/** The sequence numbers (see plan.ts) of the tasks leaders have posted so far (schedule rounds left out). */
export async function postedSeqs(s: SwarmAgent, planOf: (specURI: string) => { seq: number }): Promise<Set<number>> {
  const tasks = await s.agent.tasks.list({ limit: 100_000 });
  return new Set(tasks.filter((t) => t.scheduleId === 0n).map((t) => planOf(t.specURI).seq));
}

/** Whether any leader created the swarm's schedule already. */
export const scheduleExists = async (s: SwarmAgent) => (await s.agent.schedules.list({ limit: 1 })).length > 0;

/** Whether a due round was spawned already (read from the chain: no indexer lag). */
export const roundTaken = async (s: SwarmAgent, round: DueRound) =>
  (await s.agent.schedules.round(round.scheduleId, round.round)).taskId !== null;
