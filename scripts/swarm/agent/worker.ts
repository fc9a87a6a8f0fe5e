/**
 * A worker's duties: claim with `claimNext` (via `tasks.work`, which renews the lease while it
 * works), write the shared ledger under the `shared-ledger` lock, submit, hand one task off,
 * escalate one to the human approver, take over what is handed to it, claim due schedule rounds,
 * and fail over a leader whose heartbeat stopped. What it knows comes from the feeds (feeds.ts);
 * what it does goes through the SDK.
 */
import type { Agent, Claim, DueRound, Leadership, Task, WorkHandler } from "../../../sdk/src/index.ts";
import { planOf } from "../plan.ts";
import {
  canDo,
  followOpenTasks,
  followPulse,
  liveWorkers,
  roundTaken,
  untilEscalationAnswered,
  untilTask,
} from "./feeds.ts";
import { errorName, isRace, type SwarmAgent, sleep } from "./state.ts";

/** What claimNext (and work(), which hands its filter on) takes. */
type ClaimFilter = NonNullable<Parameters<Agent["tasks"]["claimNext"]>[0]>;

/** Thrown by the work handler when the task went to another agent (work() then stops renewing). */
class HandedOff extends Error {
  override name = "HandedOff";
}

/** A wait that `notify` cuts short. */
function waker() {
  let cut: (() => void) | undefined;
  return {
    wait: (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          cut = undefined;
          resolve();
        }
        cut = done;
      }),
    notify: () => cut?.(),
  };
}

const workTime = (s: SwarmAgent) => s.T.workMs.min + Math.floor(Math.random() * (s.T.workMs.max - s.T.workMs.min));
const resultURI = (taskId: bigint, attempt: number, extra = "") => `swarm://result/${taskId}/${attempt}${extra}`;

/** Asks the human approver and waits (pushed) for the answer; the lease clock stands still meanwhile. */
async function escalate(s: SwarmAgent, task: Task, claim: Claim) {
  const { receipt } = await s.agent.tasks.escalate(
    task.id,
    claim.attempt,
    `swarm://question/${task.id}?q=which-sources-count`,
  );
  s.stats.escalations++;
  s.info(`escalated task ${task.id} to the human approver`);
  await untilEscalationAnswered(s, task.id, receipt.blockNumber - 1n, s.T.escalationWaitMs);
}

/** Offers the task to a live worker that can do it and tells it by direct message; true once it took over. */
async function handOff(s: SwarmAgent, task: Task, claim: Claim): Promise<boolean> {
  const leader = (await s.agent.election.leader(s.groupId)).leader;
  const peer = (await liveWorkers(s, leader)).find((m) => canDo(m, task.capability));
  if (!peer) return false;
  await s.agent.tasks.handoff(task.id, claim.attempt, peer.agentId, `swarm://context/${task.id}`);
  s.stats.handoffs++;
  await s.agent.messages.send(
    peer.agentId,
    `handoff ${task.id}: please take over task ${task.id}, context at swarm://context/${task.id}`,
  );
  s.stats.messagesSent++;
  return untilTask(s, task.id, (t) => t.attempt > claim.attempt, s.T.handoffWaitMs);
}

/** The shared step: writes the ledger holding the lock, and returns the fencing token it wrote under. */
async function writeLedger(s: SwarmAgent): Promise<bigint> {
  const hold = async (fencingToken: bigint) => {
    await sleep(s.T.ledgerHoldMs);
    return fencingToken;
  };
  const token = await s.agent.locks.withLock("shared-ledger", hold, { ttl: 30, waitMs: 90_000, retryMs: 700 });
  s.stats.locks++;
  return token;
}

const handler =
  (s: SwarmAgent): WorkHandler =>
  async ({ task, claim }) => {
    s.stats.claims++;
    s.reportStats();
    const plan = planOf(task.specURI);
    if (plan.escalate && claim.attempt === 1) await escalate(s, task, claim);
    if (plan.handoff && claim.attempt === 1 && (await handOff(s, task, claim)))
      throw new HandedOff(`task ${task.id} went to another agent`);
    await sleep(workTime(s));
    const extra = plan.ledger ? `?ledger=${await writeLedger(s)}` : "";
    return { resultURI: resultURI(task.id, claim.attempt, extra) };
  };

/** One round of work: the next task through `tasks.work`. False when there was nothing to do. */
async function workOnce(s: SwarmAgent, filter: ClaimFilter, handleTask: WorkHandler): Promise<boolean> {
  try {
    if (!(await s.agent.tasks.work(filter, handleTask))) return false;
    s.stats.submitted++;
    return true;
  } catch (e) {
    if (e instanceof HandedOff || isRace(e)) return true;
    s.warn("work", e);
    return false;
  }
}

/**
 * The chains to try claiming on next, best first: those this agent does not lead, the one with the
 * most open tasks it can do first (`open`, pushed by each chain's feed), ties taken in turns. With
 * one chain: that chain unless it leads there. (The SDK's cross-chain claimNext can take its place.)
 */
export function claimOrder<T extends Pick<SwarmAgent, "leading" | "stopped">>(
  lanes: readonly T[],
  open: ReadonlyMap<T, number>,
  turn: number,
): T[] {
  const rotated = lanes.map((_, i) => lanes[(i + turn) % lanes.length]!);
  return rotated.filter((s) => !s.leading && !s.stopped).sort((a, b) => (open.get(b) ?? 0) - (open.get(a) ?? 0));
}

/**
 * Claims and works tasks, one at a time across the agent's chains, until stopped; idles on a
 * chain while it leads there; woken when tasks open on any chain.
 */
export async function workLoop(lanes: readonly SwarmAgent[]) {
  const wake = waker();
  const open = new Map<SwarmAgent, number>();
  const work = lanes.map((s) => {
    // work() hands its filter to claimNext, which reports every race it loses.
    const filter: ClaimFilter = {
      capabilities: s.config.capabilities,
      onLostRace: (_taskId, onChain) => s.countLostRace(onChain),
      // The swarm sizes its leases to its own block time (plan.ts), shorter than claimNext's default floor.
      terms: { minLeaseSeconds: s.T.leaseS },
    };
    followOpenTasks(s, (tasks) => {
      open.set(s, tasks.length);
      if (tasks.length > 0) wake.notify();
    });
    return { filter, handleTask: handler(s) };
  });
  const stopped = () => lanes.every((s) => s.stopped);
  for (let turn = 0; !stopped(); turn++) {
    const order = claimOrder(lanes, open, turn);
    let worked = false;
    for (const s of order) {
      const { filter, handleTask } = work[lanes.indexOf(s)]!;
      worked = await workOnce(s, filter, handleTask);
      if (worked) break;
    }
    if (!worked) await wake.wait(order.length === 0 ? 2_000 : 3_000);
  }
}

/**
 * The leader steps in for an open task nobody else alive can do (whoever declared its capability
 * died or leads): claims it, does it and submits.
 */
export async function stepIn(s: SwarmAgent, task: Task): Promise<void> {
  const claim = await s.agent.tasks.claim(task.id);
  s.stats.claims++;
  s.info(`steps in for task ${task.id}: open too long, nobody else alive took it`);
  await sleep(workTime(s));
  await s.agent.tasks.submit(task.id, claim.attempt, resultURI(task.id, claim.attempt));
  s.stats.submitted++;
}

/** Takes over a task handed to this agent, does it and submits. */
export async function takeOver(s: SwarmAgent, taskId: bigint) {
  try {
    const claim = await s.agent.tasks.acceptHandoff(taskId);
    s.stats.claims++;
    s.info(`took over task ${taskId}`);
    await sleep(workTime(s));
    await s.agent.tasks.submit(taskId, claim.attempt, resultURI(taskId, claim.attempt));
    s.stats.submitted++;
  } catch (e) {
    if (!isRace(e)) s.warn(`take over task ${taskId}`, e);
  }
}

/**
 * A due schedule round: the first worker to claim it (staggered by rank to avoid a stampede) does
 * it. A failure that is not a race (the chain unreachable, say) is tried again while the round's
 * window is open.
 */
export async function claimRound(s: SwarmAgent, round: DueRound) {
  if (s.leading || s.stopped) return;
  let claimed = false;
  try {
    const workers = await liveWorkers(s, (await s.agent.election.leader(s.groupId)).leader).catch(() => []);
    const rank = [...workers.map((w) => w.agentId), s.me()].sort((a, b) => (a < b ? -1 : 1)).indexOf(s.me());
    await sleep(((rank + round.round) % (workers.length + 1)) * 1_500);
    if ((await roundTaken(s, round)) || s.leading || s.stopped) return;
    const claim = await s.agent.schedules.claim(round.scheduleId, round.round);
    claimed = true;
    s.stats.claims++;
    await sleep(workTime(s));
    await s.agent.tasks.submit(
      claim.taskId,
      claim.attempt,
      resultURI(claim.taskId, claim.attempt, `?round=${round.round}`),
    );
    s.stats.submitted++;
  } catch (e) {
    if (errorName(e) === "RoundAlreadySpawned") return s.countLostRace(e);
    if (isRace(e)) return;
    s.warn(`claim round ${round.round}`, e);
    // Once spawned, the round is a task like any other: a lapsed lease reopens it for anyone.
    if (!claimed && s.nowS() < round.dueAt + BigInt(s.T.schedule.windowS)) {
      await sleep(3_000);
      return claimRound(s, round);
    }
  }
}

/** Fails over a leader whose heartbeat deadline passed; survivors take turns by rank so one call usually suffices. */
export function watchForSilentLeader(s: SwarmAgent) {
  let pulse: Leadership | undefined;
  let busy = false;
  followPulse(s, (l) => (pulse = l));
  const check = async () => {
    if (!pulse || pulse.leader === 0n || pulse.heartbeatDeadline === null || s.leading || busy || s.stopped) return;
    const deadline = pulse.heartbeatDeadline;
    if (s.nowS() <= deadline + 1n) return;
    busy = true;
    try {
      const rank = (await liveWorkers(s, pulse.leader)).filter((w) => w.agentId < s.me()).length;
      if (s.nowS() <= deadline + 1n + BigInt(rank * 2)) return;
      const result = await s.agent.election.failover(s.groupId);
      // 0: another survivor failed it over first, and this call only settled (or found) the redraw.
      if (result.failed !== 0n) {
        s.stats.failovers++;
        s.info(`failed over silent leader #${result.failed}; new leader #${result.leader} (term ${result.term})`);
      }
    } catch (e) {
      if (!isRace(e)) s.warn("failover", e);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void check(), 1_000);
  s.cleanups.push(() => clearInterval(timer));
}
