/**
 * The leader's duties for one term: it broadcasts instructions on the group channel, posts the
 * tasks in waves and the swarm's recurring schedule, reviews submissions (accepting most,
 * rejecting a few once, and accepting what a dead leader left once its review window passed) and
 * reclaims lapsed leases, and steps in for (or cancels) a task left open with nobody alive to do it.
 * What it knows comes from the feeds (feeds.ts); what it does goes through the SDK.
 */
import { zeroHash } from "viem";
import { capabilityId, type Task } from "../../../sdk/src/index.ts";
import { CAPABILITIES, MONEY, planOf, ROUND_URI, taskURI, waveSize } from "../plan.ts";
import { followBoard, liveWorkers, postedSeqs, scheduleExists } from "./feeds.ts";
import { isRace, isTooEarly, type SwarmAgent, sleep } from "./state.ts";
import { stepIn } from "./worker.ts";

/** Broadcasts on the group's channel. */
async function announce(s: SwarmAgent, text: string) {
  await s.agent.messages.post(s.chain.channel, text);
  s.stats.messagesSent++;
}

/**
 * The capability each new task asks for: one that at least two live workers have (so losing one, to death or to
 * leadership, strands nothing), or none.
 */
async function capabilityPicker(s: SwarmAgent): Promise<(seq: number) => string | undefined> {
  const workers = await liveWorkers(s, s.me());
  const eligible = CAPABILITIES.filter(
    (c) => workers.filter((w) => w.capabilities.includes(capabilityId("capability", c))).length >= 2,
  );
  return (seq) => (seq % 4 === 0 || eligible.length === 0 ? undefined : eligible[seq % eligible.length]);
}

/** Creates the swarm's recurring job unless a leader before did. */
async function ensureSchedule(s: SwarmAgent) {
  if (await scheduleExists(s)) return;
  const { schedule, leaseS, reviewWindowS } = s.T;
  const firstAt = s.nowS() + BigInt(schedule.firstInS);
  await s.agent.schedules.create({
    // No bond on rounds: the SDK's schedules.claim sends no value with claimScheduled.
    template: {
      specURI: ROUND_URI,
      reward: MONEY.reward,
      maxReward: MONEY.maxReward,
      claimBond: 0n,
      leaseDuration: leaseS,
      reviewWindow: reviewWindowS,
      deadline: schedule.windowS,
      approver: s.config.approver,
    },
    firstAt,
    interval: schedule.intervalS,
    count: schedule.rounds,
  });
  await announce(
    s,
    `schedule: a status report every ${schedule.intervalS} s, ${schedule.rounds} rounds; ` +
      `first due in ${schedule.firstInS} s. Whoever claims a due round first does it.`,
  );
}

/** The leader's duties for one term; returns the function that ends them. */
export function lead(s: SwarmAgent, term: bigint): () => void {
  const { agent, stats, config } = s;
  let ended = false;
  let board: Task[] = [];
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
      if (isRace(e) && !isTooEarly(e)) return;
      acted.delete(key);
      if (!isRace(e)) s.warn(what, e);
    });
  };

  const review = () => {
    for (const t of board.filter((i) => i.status === "submitted")) {
      const mine = t.poster.toLowerCase() === s.address;
      const key = `review:${t.id}:${t.attempt}`;
      if (mine && planOf(t.specURI).rejectOnce && t.attempt === 1) {
        once(key, `reject task ${t.id}`, async () => {
          await agent.tasks.reject(t.id, `swarm://review/${t.id}/${t.attempt}`);
          stats.rejected++;
          await agent.messages.send(
            t.claimant,
            `task ${t.id} rejected: the result misses the brief, the task is open again`,
          );
          stats.messagesSent++;
        });
      } else if (mine || s.nowS() > (t.reviewDeadline ?? 0n) + 1n) {
        once(key, `accept task ${t.id}`, async () => {
          await agent.tasks.accept(t.id);
          stats.accepted++;
        });
      }
    }
  };

  /**
   * Open tasks nobody claimed for a while: whoever could do them may have died or lead. The leader
   * does one it can itself (one at a time; never its own: a poster cannot claim), or cancels its own
   * (the escrow comes back), so that no task waits for nobody.
   */
  const strandedS = BigInt(Math.max(30, 4 * s.T.heartbeatTimeoutS));
  const mine = new Set<string>([zeroHash, ...config.capabilities.map((c) => capabilityId("capability", c))]);
  let steppingIn = false;
  const rescue = () => {
    for (const t of board.filter((i) => i.status === "open" && s.nowS() > i.updatedAt + strandedS)) {
      if (t.poster.toLowerCase() === s.address) {
        once(`cancel:${t.id}:${t.attempt}`, `cancel task ${t.id}`, async () => {
          await agent.tasks.cancel(t.id);
          s.info(`cancelled its task ${t.id}: open ${strandedS} s and more, nobody alive took it`);
        });
      } else if (!steppingIn && mine.has(t.capability) && !acted.has(`step-in:${t.id}:${t.attempt}`)) {
        steppingIn = true;
        once(`step-in:${t.id}:${t.attempt}`, `step in for task ${t.id}`, () =>
          stepIn(s, t).finally(() => (steppingIn = false)),
        );
      }
    }
  };

  const reclaim = () => {
    for (const t of board.filter(
      (i) => i.status === "claimed" && i.leaseExpiry > 0n && s.nowS() > i.leaseExpiry + 2n,
    )) {
      once(`reclaim:${t.id}:${t.attempt}`, `reclaim task ${t.id}`, () => agent.tasks.reclaim(t.id));
    }
  };

  const post = async (seq: number, capability: string | undefined) => {
    const { leaseS, reviewWindowS } = s.T;
    await agent.tasks.post({
      specURI: taskURI(seq),
      capability,
      reward: MONEY.reward,
      maxReward: MONEY.maxReward,
      claimBond: MONEY.claimBond,
      leaseDuration: leaseS,
      reviewWindow: reviewWindowS,
      approver: config.approver,
    });
    postedByMe.add(seq);
    stats.posted++;
  };

  /** Posts the next tasks nobody posted yet once the board runs low (sent together: they land in one block). */
  const postWave = async () => {
    const open = board.filter((i) => i.status === "open" && i.scheduleId === 0n).length;
    if (posting || open >= Math.ceil(size / 2)) return;
    posting = true;
    try {
      const posted = await postedSeqs(s, planOf);
      if ([...postedByMe].some((seq) => !posted.has(seq))) return; // the last wave is not indexed yet
      const wave = Array.from({ length: config.tasks }, (_, i) => i + 1)
        .filter((seq) => !posted.has(seq))
        .slice(0, size);
      if (wave.length === 0 || ended) return;
      const capability = await capabilityPicker(s);
      const results = await Promise.allSettled(wave.map((seq) => post(seq, capability(seq))));
      for (const r of results) if (r.status === "rejected") s.warn("post a task", r.reason);
      const done = wave.filter((seq) => postedByMe.has(seq));
      if (done.length)
        await announce(
          s,
          `term ${term}: tasks ${done[0]}–${done.at(-1)} of ${config.tasks} are open. ` +
            "Claim with claimNext, keep your lease, submit for review.",
        );
    } catch (e) {
      s.warn("post a wave", e);
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
        rescue();
        await postWave();
      } while (again);
    } finally {
      running = false;
    }
  };

  const unsubscribe = followBoard(s, (tasks) => {
    board = tasks;
    void tick();
  });
  const timer = setInterval(() => void tick(), 2_000); // review windows and leases end with time, not with events
  s.info(`leads term ${term}`);
  void (async () => {
    try {
      await announce(
        s,
        `term ${term}: ${config.name} (#${s.me()}) leads. Work comes in waves; ` +
          "the shared ledger is behind the lock; questions go to the human approver.",
      );
    } catch (e) {
      s.warn("open the term", e);
    }
    // The swarm's schedule is the term's first duty: tried until it exists (a chain may be unreachable for a while).
    while (!ended) {
      try {
        return await ensureSchedule(s);
      } catch (e) {
        s.warn("create the schedule", e);
        await sleep(3_000);
      }
    }
  })();
  return () => {
    ended = true;
    clearInterval(timer);
    unsubscribe();
  };
}
