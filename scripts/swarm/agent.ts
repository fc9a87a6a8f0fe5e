/**
 * One swarm agent, run as its own process by the orchestrator (configuration in
 * STIGMERGY_SWARM_AGENT). It registers with an ERC-8004 registration file, stakes, joins the
 * swarm's group, and then plays whatever role the election gives it:
 *
 * - the leader heartbeats, broadcasts instructions on the group channel, posts the tasks in waves
 *   and one recurring schedule, reviews submissions (accepting most, rejecting a few once, and
 *   accepting what a dead leader left once its review window passed) and reclaims lapsed leases;
 * - workers claim with `claimNext` (via `tasks.work`, which renews the lease while they work),
 *   write the shared ledger under the `shared-ledger` lock, submit, hand one task off, escalate
 *   one to the human approver, take over what is handed to them, claim due schedule rounds, and
 *   fail over a leader whose heartbeat stopped.
 *
 * What it knows comes from the indexer (live queries pushed over SSE); what it does goes through
 * the SDK. It reports to the orchestrator over IPC (see protocol.ts).
 */
import { followChain } from "@stigmergy/contracts";
import { sql } from "@ponder/client";
import { type Address, type Hex, zeroHash } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import {
  type Agent,
  capabilityId,
  type Claim,
  ContractRevertError,
  createAgent,
  type DueRound,
  parseDeployment,
  payloadText,
  registrationFile,
  type Task,
  toDataURI,
  type WorkHandler,
} from "../../sdk/src/index.ts";
import { MNEMONIC } from "../lib/workload.ts";
import { CAPABILITIES, MONEY, planOf, ROUND_URI, taskURI, timing, waveSize } from "./plan.ts";
import { type AgentConfig, type AgentMessage, CONFIG_ENV, countingTransport, emptyStats, isWrite, type OrchestratorMessage } from "./protocol.ts";

// ---------------------------------------------------------------- small helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** An integer inlined into SQL (bind parameters arrive as text and do not compare with bigint columns). */
const int = (n: bigint | number) => sql.raw(BigInt(n).toString());
const big = (v: unknown): bigint => (v === null || v === undefined || v === "" ? 0n : BigInt(v as string | number));
const errorName = (e: unknown) => (e instanceof ContractRevertError ? e.errorName : undefined);
const shortMessage = (e: unknown) => (e as { shortMessage?: string }).shortMessage ?? (e instanceof Error ? e.message.split("\n")[0]! : String(e));

/** Contract errors that mean "someone else got there first" in the acts agents race for. */
const RACES = new Set(["TaskNotOpen", "WrongStatus", "StaleAttempt", "LeaseActive", "ReviewWindowOpen", "RoundAlreadySpawned", "LeaderAlive", "NoLeader", "AlreadyElected", "NotLeader", "HandoffNotOffered", "LeaseExpired"]);
const isRace = (e: unknown) => RACES.has(errorName(e) ?? "");
/** Races that only mean "not yet". */
const TOO_EARLY = new Set(["ReviewWindowOpen", "LeaseActive"]);

function readConfig(): AgentConfig {
  const raw = process.env[CONFIG_ENV];
  if (!raw) {
    console.error(`agent: ${CONFIG_ENV} is not set. Agents are started by the orchestrator: run npm start.`);
    process.exit(2);
  }
  return JSON.parse(raw) as AgentConfig;
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

// ---------------------------------------------------------------- the agent

const config = readConfig();
const T = timing(config.blockMs);
const groupId = BigInt(config.groupId);
const stats = emptyStats();

/** Counts a claim lost to another agent: mined and reverted (a typed error carrying the receipt, or `true`), or caught before sending. */
function countLostRace(minedOrError: unknown) {
  const mined = typeof minedOrError === "boolean" ? minedOrError : (minedOrError as { receipt?: unknown }).receipt !== undefined;
  if (mined) stats.revertedClaims++;
  else stats.lostRaces++;
}

process.title = `stigmergy-agent-${config.name}`;

const send = (message: AgentMessage, then?: () => void) => {
  if (process.connected) process.send!(message, undefined, {}, () => then?.());
  else then?.();
};
let statsTimer: NodeJS.Timeout | undefined;
const reportStats = () => {
  statsTimer ??= setTimeout(() => {
    statsTimer = undefined;
    send({ type: "stats", stats });
  }, 200);
};
const info = (text: string) => send({ type: "log", level: "info", text });
const recentWarnings = new Map<string, number>();
/** Reports an unexpected failure, at most once every 10 s per kind. */
const warn = (context: string, error: unknown) => {
  const text = `${context}: ${shortMessage(error)}`;
  const last = recentWarnings.get(text) ?? 0;
  if (Date.now() - last < 10_000) return;
  recentWarnings.set(text, Date.now());
  send({ type: "log", level: "warn", text });
};

const agent: Agent = createAgent({
  transport: countingTransport(config.rpcUrl, (method) => {
    if (!isWrite(method)) return;
    stats.writes++;
    reportStats();
  }),
  account: mnemonicToAccount(MNEMONIC, { addressIndex: config.addressIndex }),
  deployment: parseDeployment(config.deployment, "the swarm configuration"),
  indexerUrl: config.indexerUrl,
  pollingInterval: 250,
});
const indexer = agent.indexer!;
const clock = followChain(agent.publicClient);
/** Chain time (deadlines on chain are in it). */
const nowS = () => clock.now();
const me = () => agent.agentId!;
const myAddress = agent.address!.toLowerCase();

let stopped = false;
let isLeader = false;
const cleanups: Array<() => void> = [];

// ---------------------------------------------------------------- what the indexer says

/** Resolves true once `check` holds for the rows `query` returns (pushed), false after `timeoutMs`. */
function until(query: ReturnType<typeof sql>, check: (rows: Record<string, unknown>[]) => boolean, timeoutMs: number): Promise<boolean> {
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
    const unsubscribe = indexer.live(query, (rows) => check(rows) && finish(true));
  });
}

type Member = { agentId: bigint; capabilities: Hex[] };

/** The group's members and the leaders failed over so far. */
async function roster(): Promise<{ members: Member[]; failed: Set<bigint> }> {
  const [members, failed] = await Promise.all([
    indexer.query(sql`select m.agent_id, a.capabilities from group_member m join agent a on a.id = m.agent_id where m.group_id = ${int(groupId)} order by m.agent_id`),
    indexer.query(sql`select agent_id from term where group_id = ${int(groupId)} and failed_over_by is not null`),
  ]);
  return {
    members: members.map((r) => ({ agentId: big(r.agentId), capabilities: (r.capabilities as Hex[] | null) ?? [] })),
    failed: new Set(failed.map((r) => big(r.agentId))),
  };
}

/** Members that are neither the leader, failed over, nor this agent, by id. */
async function liveWorkers(leader: bigint): Promise<Member[]> {
  const { members, failed } = await roster();
  return members.filter((m) => m.agentId !== leader && !failed.has(m.agentId) && m.agentId !== me());
}

const canDo = (member: Member, capability: Hex) => capability === zeroHash || member.capabilities.includes(capability);

// ---------------------------------------------------------------- joining the swarm

async function onboard(): Promise<void> {
  const file = registrationFile({ name: config.name, description: config.role, capabilities: config.capabilities });
  const stake = BigInt(config.stake);
  await Promise.all([
    agent.identity.register({ uri: toDataURI(file), capabilities: config.capabilities, metadata: { role: "swarm-agent" } }),
    agent.staking.faucet(stake),
  ]);
  await agent.staking.stake(stake);
  await agent.election.join(groupId);
}

// ---------------------------------------------------------------- leading

type OpenItem = { id: bigint; status: string; poster: string; specURI: string; claimant: bigint; attempt: number; reviewDeadline: bigint; leaseExpiry: bigint; scheduleId: bigint };

const toItem = (r: Record<string, unknown>): OpenItem => ({
  id: big(r.id),
  status: String(r.status),
  poster: String(r.poster).toLowerCase(),
  specURI: String(r.specUri ?? r.specURI ?? ""),
  claimant: big(r.claimant),
  attempt: Number(r.attempt ?? 0),
  reviewDeadline: big(r.reviewDeadline),
  leaseExpiry: big(r.leaseExpiry),
  scheduleId: big(r.scheduleId),
});

/** Broadcasts on the group's channel. */
async function announce(text: string) {
  await agent.messages.post(config.channel, text);
  stats.messagesSent++;
}

/** The capability each new task asks for: one that at least two live workers have (so losing one, to death or to leadership, strands nothing), or none. */
async function capabilityPicker(): Promise<(seq: number) => string | undefined> {
  const workers = await liveWorkers(me());
  const eligible = CAPABILITIES.filter((c) => workers.filter((w) => w.capabilities.includes(capabilityId("capability", c))).length >= 2);
  return (seq) => (seq % 4 === 0 || eligible.length === 0 ? undefined : eligible[seq % eligible.length]);
}

/** Creates the swarm's recurring job unless a leader before did. */
async function ensureSchedule() {
  const [row] = await indexer.query(sql`select count(*) as n from schedule`);
  if (Number(row?.n ?? 0) > 0) return;
  const s = T.schedule;
  const firstAt = nowS() + BigInt(s.firstInS);
  await agent.schedules.create({
    // No bond on rounds: the SDK's schedules.claim sends no value with claimScheduled.
    template: { specURI: ROUND_URI, reward: MONEY.reward, maxReward: MONEY.maxReward, claimBond: 0n, leaseDuration: T.leaseS, reviewWindow: T.reviewWindowS, deadline: s.windowS, approver: config.approver },
    firstAt,
    interval: s.intervalS,
    count: s.rounds,
  });
  await announce(`schedule: a status report every ${s.intervalS} s, ${s.rounds} rounds; first due in ${s.firstInS} s. Whoever claims a due round first does it.`);
}

/** The leader's duties for one term; returns the function that ends them. */
function lead(term: bigint): () => void {
  let ended = false;
  let items: OpenItem[] = [];
  const acted = new Set<string>();
  const postedByMe = new Set<number>();
  let posting = false;
  let running = false;
  let again = false;
  const size = waveSize(config.tasks);

  /**
   * Runs `act` once per key, in the background. A race lost to another agent settles the key; a
   * failure, or an act that was a little early (chain time), is tried again on a later tick.
   */
  const once = (key: string, what: string, act: () => Promise<unknown>) => {
    if (acted.has(key) || ended) return;
    acted.add(key);
    act().catch((e: unknown) => {
      if (isRace(e) && !TOO_EARLY.has(errorName(e) ?? "")) return;
      acted.delete(key);
      if (!isRace(e)) warn(what, e);
    });
  };

  const review = () => {
    for (const t of items.filter((i) => i.status === "submitted")) {
      const mine = t.poster === myAddress;
      const key = `review:${t.id}:${t.attempt}`;
      if (mine && planOf(t.specURI).rejectOnce && t.attempt === 1) {
        once(key, `reject task ${t.id}`, async () => {
          await agent.tasks.reject(t.id, `swarm://review/${t.id}/${t.attempt}`);
          stats.rejected++;
          await agent.messages.send(t.claimant, `task ${t.id} rejected: the result misses the brief, the task is open again`);
          stats.messagesSent++;
        });
      } else if (mine || nowS() > t.reviewDeadline + 1n) {
        once(key, `accept task ${t.id}`, async () => {
          await agent.tasks.accept(t.id);
          stats.accepted++;
        });
      }
    }
  };

  const reclaim = () => {
    for (const t of items.filter((i) => i.status === "claimed" && i.leaseExpiry > 0n && nowS() > i.leaseExpiry + 2n)) {
      once(`reclaim:${t.id}:${t.attempt}`, `reclaim task ${t.id}`, () => agent.tasks.reclaim(t.id));
    }
  };

  const post = async (seq: number, capability: string | undefined) => {
    await agent.tasks.post({ specURI: taskURI(seq), capability, reward: MONEY.reward, maxReward: MONEY.maxReward, claimBond: MONEY.claimBond, leaseDuration: T.leaseS, reviewWindow: T.reviewWindowS, approver: config.approver });
    postedByMe.add(seq);
    stats.posted++;
  };

  /** Posts the next tasks nobody posted yet once the board runs low (sent together: they land in one block). */
  const postWave = async () => {
    const open = items.filter((i) => i.status === "open" && i.scheduleId === 0n).length;
    if (posting || open >= Math.ceil(size / 2)) return;
    posting = true;
    try {
      const rows = await indexer.query(sql`select spec_uri from task where schedule_id = 0`);
      const posted = new Set(rows.map((r) => planOf(String(r.specUri)).seq));
      if ([...postedByMe].some((seq) => !posted.has(seq))) return; // the last wave is not indexed yet
      const wave = Array.from({ length: config.tasks }, (_, i) => i + 1).filter((seq) => !posted.has(seq)).slice(0, size);
      if (wave.length === 0 || ended) return;
      const capability = await capabilityPicker();
      const results = await Promise.allSettled(wave.map((seq) => post(seq, capability(seq))));
      for (const r of results) if (r.status === "rejected") warn("post a task", r.reason);
      const done = wave.filter((seq) => postedByMe.has(seq));
      if (done.length) await announce(`term ${term}: tasks ${done[0]}–${done.at(-1)} of ${config.tasks} are open. Claim with claimNext, keep your lease, submit for review.`);
    } catch (e) {
      warn("post a wave", e);
    } finally {
      posting = false;
    }
  };

  const tick = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        if (ended) return;
        review();
        reclaim();
        await postWave();
      } while (again);
    } finally {
      running = false;
    }
  };

  const unsubscribe = indexer.live(
    sql`select id, status, poster, spec_uri, claimant, attempt, review_deadline, lease_expiry, schedule_id from task where status in ('open', 'claimed', 'submitted', 'escalated') order by id`,
    (rows) => {
      items = rows.map(toItem);
      void tick();
    },
    (e) => !stopped && warn("leader's task feed", e),
  );
  const timer = setInterval(() => void tick(), 2_000); // review windows and leases end with time, not with events
  info(`leads term ${term}`);
  void (async () => {
    try {
      await announce(`term ${term}: ${config.name} (#${me()}) leads. Work comes in waves; the shared ledger is behind the lock; questions go to the human approver.`);
      await ensureSchedule();
    } catch (e) {
      warn("open the term", e);
    }
  })();
  return () => {
    ended = true;
    clearInterval(timer);
    unsubscribe();
  };
}

// ---------------------------------------------------------------- working

const workTime = () => T.workMs.min + Math.floor(Math.random() * (T.workMs.max - T.workMs.min));
const resultURI = (taskId: bigint, attempt: number, extra = "") => `swarm://result/${taskId}/${attempt}${extra}`;

/** Thrown by the work handler when the task went to another agent (work() then stops renewing). */
class HandedOff extends Error {
  override name = "HandedOff";
}

/** Asks the human approver and waits (pushed) for the answer; the lease clock stands still meanwhile. */
async function escalate(task: Task, claim: Claim) {
  await agent.tasks.escalate(task.id, claim.attempt, `swarm://question/${task.id}?q=which-sources-count`);
  stats.escalations++;
  info(`escalated task ${task.id} to the human approver`);
  await until(sql`select id from task_event where task_id = ${int(task.id)} and kind = 'EscalationResolved'`, (rows) => rows.length > 0, T.escalationWaitMs);
}

/** Offers the task to a live worker that can do it and tells it by direct message; true once it took over. */
async function handOff(task: Task, claim: Claim): Promise<boolean> {
  const leader = (await agent.election.leader(groupId)).leader;
  const peer = (await liveWorkers(leader)).find((m) => canDo(m, task.capability));
  if (!peer) return false;
  await agent.tasks.handoff(task.id, claim.attempt, peer.agentId, `swarm://context/${task.id}`);
  stats.handoffs++;
  await agent.messages.send(peer.agentId, `handoff ${task.id}: please take over task ${task.id}, context at swarm://context/${task.id}`);
  stats.messagesSent++;
  return until(sql`select attempt from task where id = ${int(task.id)}`, (rows) => Number(rows[0]?.attempt ?? 0) > claim.attempt, T.handoffWaitMs);
}

/** The shared step: writes the ledger holding the lock, and returns the fencing token it wrote under. */
async function writeLedger(): Promise<bigint> {
  const token = await agent.locks.withLock("shared-ledger", async (fencingToken) => {
    await sleep(T.ledgerHoldMs);
    return fencingToken;
  }, { ttl: 30, waitMs: 90_000, retryMs: 700 });
  stats.locks++;
  return token;
}

const handleTask: WorkHandler = async ({ task, claim }) => {
  stats.claims++;
  reportStats();
  const plan = planOf(task.specURI);
  if (plan.escalate && claim.attempt === 1) await escalate(task, claim);
  if (plan.handoff && claim.attempt === 1 && (await handOff(task, claim))) throw new HandedOff(`task ${task.id} went to another agent`);
  await sleep(workTime());
  const extra = plan.ledger ? `?ledger=${await writeLedger()}` : "";
  return { resultURI: resultURI(task.id, claim.attempt, extra) };
};

/** What claimNext (and work(), which hands its filter on) takes. */
type ClaimFilter = NonNullable<Parameters<Agent["tasks"]["claimNext"]>[0]>;

/** One round of work: the next task through `tasks.work`. False when there was nothing to do. */
async function workOnce(filter: ClaimFilter): Promise<boolean> {
  try {
    if (!(await agent.tasks.work(filter, handleTask))) return false;
    stats.submitted++;
    return true;
  } catch (e) {
    if (e instanceof HandedOff || isRace(e)) return true;
    warn("work", e);
    return false;
  }
}

/** Claims and works tasks until stopped, idling while this agent leads. */
async function workLoop() {
  const wake = waker();
  // work() hands its filter to claimNext, which reports every race it loses.
  const filter: ClaimFilter = {
    capabilities: config.capabilities,
    onLostRace: (_taskId, onChain) => countLostRace(onChain),
    // The swarm sizes its leases to its own block time (plan.ts), shorter than claimNext's default floor.
    terms: { minLeaseSeconds: T.leaseS },
  };
  cleanups.push(agent.tasks.watchOpen({ capabilities: config.capabilities }, (open) => {
    if (open.length > 0) wake.notify();
  }, (e) => !stopped && warn("open-task feed", e)));
  while (!stopped) {
    if (isLeader || !(await workOnce(filter))) await wake.wait(isLeader ? 2_000 : 3_000);
  }
}

/** Takes over a task handed to this agent, does it and submits. */
async function takeOver(taskId: bigint) {
  try {
    const claim = await agent.tasks.acceptHandoff(taskId);
    stats.claims++;
    info(`took over task ${taskId}`);
    await sleep(workTime());
    await agent.tasks.submit(taskId, claim.attempt, resultURI(taskId, claim.attempt));
    stats.submitted++;
  } catch (e) {
    if (!isRace(e)) warn(`take over task ${taskId}`, e);
  }
}

/** A due schedule round: the first worker to claim it (staggered by rank to avoid a stampede) does it. */
async function claimRound(round: DueRound) {
  if (isLeader || stopped) return;
  const workers = await liveWorkers((await agent.election.leader(groupId)).leader).catch(() => []);
  const rank = [...workers.map((w) => w.agentId), me()].sort((a, b) => (a < b ? -1 : 1)).indexOf(me());
  await sleep(((rank + round.round) % (workers.length + 1)) * 1_500);
  const taken = await indexer.query(sql`select task_id from schedule_round where schedule_id = ${int(round.scheduleId)} and round = ${int(round.round)}`);
  if (taken.length > 0 || isLeader || stopped) return;
  try {
    const claim = await agent.schedules.claim(round.scheduleId, round.round);
    stats.claims++;
    await sleep(workTime());
    await agent.tasks.submit(claim.taskId, claim.attempt, resultURI(claim.taskId, claim.attempt, `?round=${round.round}`));
    stats.submitted++;
  } catch (e) {
    if (errorName(e) === "RoundAlreadySpawned") countLostRace(e);
    else if (!isRace(e)) warn(`claim round ${round.round}`, e);
  }
}

// ---------------------------------------------------------------- watching the leader

/** Fails over a leader whose heartbeat deadline passed; survivors take turns by rank so one call usually suffices. */
function watchLeader() {
  let group: { leader: bigint; lastHeartbeat: bigint; heartbeatTimeout: bigint } | undefined;
  let busy = false;
  cleanups.push(
    indexer.live(sql`select * from "group" where id = ${int(groupId)}`, (rows) => {
      const r = rows[0];
      if (r) group = { leader: big(r.leader), lastHeartbeat: big(r.lastHeartbeat), heartbeatTimeout: big(r.heartbeatTimeout) };
    }, (e) => !stopped && warn("group feed", e)),
  );
  const check = async () => {
    if (!group || group.leader === 0n || isLeader || busy || stopped) return;
    const deadline = group.lastHeartbeat + group.heartbeatTimeout;
    if (nowS() <= deadline + 1n) return;
    busy = true;
    try {
      const rank = (await liveWorkers(group.leader)).filter((w) => w.agentId < me()).length;
      if (nowS() <= deadline + 1n + BigInt(rank * 2)) return;
      const result = await agent.election.failover(groupId);
      // 0: another survivor failed it over first, and this call only settled (or found) the redraw.
      if (result.failed !== 0n) {
        stats.failovers++;
        info(`failed over silent leader #${result.failed}; new leader #${result.leader} (term ${result.term})`);
      }
    } catch (e) {
      if (!isRace(e)) warn("failover", e);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void check(), 1_000);
  cleanups.push(() => clearInterval(timer));
}

// ---------------------------------------------------------------- life cycle

function play() {
  let endTerm: (() => void) | undefined;
  cleanups.push(
    agent.election.onLeaderChange(groupId, (l) => {
      isLeader = l.leader === me();
      if (isLeader && !endTerm) endTerm = lead(l.term);
      if (!isLeader && endTerm) {
        endTerm();
        endTerm = undefined;
      }
    }, (e) => !stopped && warn("leader feed", e)),
  );
  cleanups.push(() => endTerm?.());
  const heartbeat = agent.election.runHeartbeat(groupId, undefined, { onError: (e) => !stopped && !isRace(e) && warn("heartbeat", e) });
  cleanups.push(() => heartbeat.stop());
  cleanups.push(agent.messages.onMessage({ toAgentId: me() }, (m) => {
    stats.messagesReceived++;
    const handoff = /^handoff (\d+):/.exec(payloadText(m.payload));
    if (handoff) void takeOver(BigInt(handoff[1]!));
  }, (e) => !stopped && warn("inbox feed", e)));
  cleanups.push(agent.messages.onMessage({ channel: config.channel }, () => void stats.messagesReceived++, (e) => !stopped && warn("channel feed", e)));
  cleanups.push(agent.schedules.onDue((round) => void claimRound(round), (e) => !stopped && warn("schedule feed", e)));
  watchLeader();
  void workLoop();
}

function stop() {
  if (stopped) return;
  stopped = true;
  clock.stop();
  for (const cleanup of cleanups) cleanup();
  if (statsTimer) clearTimeout(statsTimer);
  send({ type: "stats", stats }, () => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
}

process.on("message", (m: unknown) => (m as OrchestratorMessage | undefined)?.type === "stop" && stop());
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop); // the orchestrator is gone
process.on("unhandledRejection", (e) => warn("unexpected", e));

try {
  await onboard();
} catch (e) {
  send({ type: "log", level: "warn", text: `could not join the swarm: ${shortMessage(e)}` }, () => process.exit(1));
  await sleep(2_000);
  process.exit(1);
}
send({ type: "ready", agentId: String(me()), address: agent.address as Address });
reportStats();
play();
