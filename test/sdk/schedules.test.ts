import { expect } from "chai";
import { type DueRound, RoundNotDueError } from "../../sdk/src/index.ts";
import { advance, agentFor, eventually } from "./helpers/stack.ts";

describe("sdk: schedules", () => {
  it("onDue wakes an agent when a round falls due; claim spawns and takes it", async () => {
    const poster = await agentFor(12);
    const worker = await agentFor(13);
    await poster.identity.register({ uri: "ipfs://scheduler" });
    await worker.identity.register({ uri: "ipfs://cron-worker" });
    const now = (await poster.publicClient.getBlock()).timestamp;
    const { scheduleId } = await poster.schedules.create({
      template: { specURI: "ipfs://daily-report", maxReward: 100n, deadline: 600, claimBond: 7n },
      firstAt: now + 3n,
      interval: 3_600,
      count: 3,
    });
    expect((await poster.schedules.get(scheduleId))?.count).to.equal(3);
    expect(
      await worker.schedules.claim(scheduleId, 1).then(
        () => undefined,
        (e: unknown) => e,
      ),
    ).to.be.instanceOf(RoundNotDueError);
    const due: DueRound[] = [];
    const stop = worker.schedules.onDue((r) => due.push(r));
    await eventually(
      async () => ((await worker.schedules.list({ active: true })).some((s) => s.id === scheduleId) ? true : undefined),
      "the schedule indexed",
    );
    await advance(5);
    const round = await eventually(
      () => due.find((r) => r.scheduleId === scheduleId),
      "onDue to report round 0",
      30_000,
    );
    expect(round.round).to.equal(0);
    // Round 1 falls due an hour later: only round 0 is reported.
    expect(due.filter((r) => r.scheduleId === scheduleId).map((r) => r.round)).to.deep.equal([0]);
    const claim = await worker.schedules.claim(scheduleId, round.round); // pays the template's 7-wei bond
    expect((await worker.schedules.get(scheduleId))?.terms?.claimBond).to.equal(7n);
    expect((await worker.tasks.get(claim.taskId).then((t) => t?.claimant)) ?? claim.agentId).to.equal(worker.agentId);
    stop();
    await poster.schedules.cancel(scheduleId);
  });

  it("round says whether a round was spawned and as which task, read from the chain", async () => {
    const poster = await agentFor(12);
    const worker = await agentFor(13);
    await poster.identity.register({ uri: "ipfs://scheduler-2" });
    await worker.identity.register({ uri: "ipfs://cron-worker-2" });
    const now = (await poster.publicClient.getBlock()).timestamp;
    const { scheduleId } = await poster.schedules.create({
      template: { specURI: "ipfs://hourly", maxReward: 10n, deadline: 600 },
      firstAt: now + 3n,
      interval: 3_600,
      count: 2,
    });
    await advance(5);
    expect(await worker.schedules.round(scheduleId, 0)).to.deep.equal({ scheduleId, round: 0, taskId: null });
    const claim = await worker.schedules.claim(scheduleId, 0);
    expect(await worker.schedules.round(scheduleId, 0)).to.deep.equal({ scheduleId, round: 0, taskId: claim.taskId });
    expect((await worker.schedules.round(scheduleId, 1)).taskId).to.equal(null);
    await poster.schedules.cancel(scheduleId);
  });
});
