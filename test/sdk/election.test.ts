import { expect } from "chai";
import { parseEther } from "viem";
import {
  type Agent,
  AlreadyElectedError,
  capabilityId,
  LeaderAliveError,
  type Leadership,
  leaderElectionAbi,
  NotLeaderError,
} from "../../sdk/src/index.ts";
import { advance, agentFor, eventually } from "./helpers/stack.ts";

describe("sdk: election", () => {
  let agents: Agent[];
  let groupId: bigint;

  before(async function () {
    this.timeout(300_000);
    agents = await Promise.all([agentFor(7), agentFor(8), agentFor(9)]);
    for (const [i, a] of agents.entries()) {
      await a.identity.register({ uri: `ipfs://member-${i}` });
      await a.staking.faucet(parseEther("100"));
      await a.staking.stake(parseEther(String(10 * (i + 1))));
    }
    ({ groupId } = await agents[0]!.election.createGroup({
      name: "sdk-group",
      epochDuration: 3_600,
      heartbeatTimeout: 30,
      minStake: parseEther("5"),
      failoverSlash: parseEther("1"),
    }));
    for (const a of agents) await a.election.join(groupId);
  });

  it("elect finishes a draw another requested, and simulating elect right after a join does not revert", async () => {
    const [a, b] = agents;
    const { groupId: g } = await a!.election.createGroup({
      name: "sdk-two-step",
      epochDuration: 3_600,
      heartbeatTimeout: 30,
    });
    await a!.election.join(g);
    await b!.election.join(g);
    const election = a!.deployment.contracts.LeaderElection!;
    // viem's simulate-then-write, right after the join's block: no false revert.
    const { request } = await b!.publicClient.simulateContract({
      address: election,
      abi: leaderElectionAbi,
      functionName: "elect",
      args: [g],
      account: b!.walletClient!.account,
    });
    await b!.publicClient.waitForTransactionReceipt({ hash: await b!.walletClient!.writeContract(request) });
    expect(await a!.election.pendingDraw(g)).to.not.equal(null);
    // The draw b requested: a's elect settles it and returns the leader.
    const { leader, term, epoch } = await a!.election.elect(g);
    expect([term, epoch]).to.deep.equal([1n, 1n]);
    expect([a!.agentId, b!.agentId]).to.include(leader);
    expect(await a!.election.pendingDraw(g)).to.equal(null);
    expect(
      await b!.election.elect(g).then(
        () => undefined,
        (e: unknown) => e,
      ),
    ).to.be.instanceOf(AlreadyElectedError);
  });

  it("elects a leader, pushes leader changes, heartbeats only while leading, and fails over", async () => {
    const changes: Leadership[] = [];
    const stop = agents[1]!.election.onLeaderChange(groupId, (l) => changes.push(l));
    await advance(1);
    const { leader, term } = await agents[0]!.election.elect(groupId);
    expect(term).to.equal(1n);
    await eventually(
      () => (changes.some((c) => c.leader === leader) ? true : undefined),
      "onLeaderChange to push the elected leader",
    );
    const leaderAgent = agents.find((a) => a.agentId === leader)!;
    const other = agents.find((a) => a.agentId !== leader)!;
    // A non-leader's heartbeat is refused with a typed error.
    expect(
      await other.election.heartbeat(groupId).then(
        () => undefined,
        (e: unknown) => e,
      ),
    ).to.be.instanceOf(NotLeaderError);
    // The leader's runHeartbeat beats; the other's sends nothing.
    let beats = 0;
    let otherBeats = 0;
    const handle = leaderAgent.election.runHeartbeat(groupId, undefined, { intervalMs: 300, onBeat: () => beats++ });
    const otherHandle = other.election.runHeartbeat(groupId, undefined, {
      intervalMs: 300,
      onBeat: () => otherBeats++,
    });
    await eventually(() => (beats >= 2 ? true : undefined), "two heartbeats");
    expect(otherBeats).to.equal(0);
    // While the leader beats, failover is refused.
    expect(
      await other.election.failover(groupId).then(
        () => undefined,
        (e: unknown) => e,
      ),
    ).to.be.instanceOf(LeaderAliveError);
    // stop() resolves once a heartbeat already on its way has landed: none is mined after it.
    await Promise.all([handle.stop(), otherHandle.stop()]);
    // From the chain, not the indexer (whose row may still trail the last beat mined before stop).
    const lastHeartbeat = async () =>
      (
        await other.publicClient.readContract({
          address: other.deployment.contracts.LeaderElection!,
          abi: leaderElectionAbi,
          functionName: "currentLeader",
          args: [groupId],
        })
      )[3];
    const stoppedAt = await lastHeartbeat();
    await new Promise((r) => setTimeout(r, 900)); // three intervals: a beat still being sent would land
    await advance(31);
    expect(await lastHeartbeat()).to.equal(stoppedAt, "no heartbeat after stop()");
    const failed = await other.election.failover(groupId);
    expect(failed.term).to.equal(2n);
    expect(failed.failed).to.equal(leader);
    expect(failed.leader).to.not.equal(leader);
    await eventually(
      () => (changes.some((c) => c.term === 2n) ? true : undefined),
      "onLeaderChange to push the failover",
    );
    const current = await other.election.leader(groupId);
    // The pushed leadership is what a REST read gives (deadline and pending draw computed alike).
    expect(changes.at(-1)).to.deep.equal(current);
    expect(current.term).to.equal(2n);
    expect(current.leader).to.equal(failed.leader);
    stop();
  });

  it(
    "members lists who is in a group with their weight and capabilities, " +
      "and terms lists its leaders with the failover, from the indexer and from the chain",
    async () => {
      const [a, b] = agents;
      await a!.identity.setCapabilities(["review"]);
      const { groupId: g } = await a!.election.createGroup({
        name: "sdk-roster",
        epochDuration: 3_600,
        heartbeatTimeout: 30,
      });
      await a!.election.join(g);
      await b!.election.join(g);
      await advance(1);
      const { leader } = await a!.election.elect(g);
      await advance(31);
      const survivor = leader === a!.agentId ? b! : a!;
      const failed = await survivor.election.failover(g);
      expect(failed.leader).to.equal(survivor.agentId);
      const ids = [a!.agentId!, b!.agentId!].sort((x, y) => (x < y ? -1 : 1));
      const direct = await agentFor(8, { indexer: false });
      for (const reader of [a!, direct]) {
        const members = await eventually(async () => {
          const m = await reader.election.members(g);
          return m.length === 2 ? m : undefined;
        }, "both members listed");
        expect(members.map((m) => m.agentId)).to.deep.equal(ids);
        expect(members.find((m) => m.agentId === a!.agentId)!.capabilities).to.deep.equal([
          capabilityId("capability", "review"),
        ]);
        expect(members.find((m) => m.agentId === b!.agentId)!.capabilities).to.deep.equal([]);
        expect(members.every((m) => m.weight > 0n && m.groupId === g)).to.equal(true);
        const terms = await eventually(async () => {
          const t = await reader.election.terms(g);
          return t.length === 2 && t[0]!.failedOverBy !== null ? t : undefined;
        }, "both terms listed, the first failed over");
        expect(terms.map((t) => [t.term, t.agentId])).to.deep.equal([
          [1n, leader],
          [2n, failed.leader],
        ]);
        expect(terms[0]!.failedOverBy).to.equal(survivor.address!.toLowerCase());
        expect(terms[1]!.failedOverBy).to.equal(null);
      }
    },
  );

  it("watchLeadership pushes every heartbeat (the deadline moves); onLeaderChange pushes only a new seat", async () => {
    const a = agents[2]!;
    const { groupId: g } = await a.election.createGroup({
      name: "sdk-pulse",
      epochDuration: 3_600,
      heartbeatTimeout: 30,
    });
    await a.election.join(g);
    await advance(1);
    await a.election.elect(g);
    // Once the indexer has the member, it answers for the group (not the chain): wait for it to show the leader.
    await eventually(
      async () =>
        (await a.election.members(g)).length === 1 && (await a.election.leader(g)).leader === a.agentId
          ? true
          : undefined,
      "the leader indexed",
    );
    const all: Leadership[] = [];
    const seats: Leadership[] = [];
    const stopAll = a.election.watchLeadership(g, (l) => all.push(l));
    const stopSeats = a.election.onLeaderChange(g, (l) => seats.push(l));
    const first = await eventually(() => all.find((l) => l.leader === a.agentId), "the current leadership");
    await eventually(() => seats.find((l) => l.leader === a.agentId), "the current seat");
    const seatCount = seats.length;
    await advance(2);
    await a.election.heartbeat(g);
    const later = await eventually(
      () => all.find((l) => l.lastHeartbeat > first.lastHeartbeat),
      "the heartbeat pushed",
    );
    expect(later.heartbeatDeadline! > first.heartbeatDeadline!).to.equal(true);
    expect(seats).to.have.length(seatCount, "a heartbeat is not a new seat");
    stopAll();
    stopSeats();
  });
});
