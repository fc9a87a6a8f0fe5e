import { expect } from "chai";
import { parseEther } from "viem";
import { AlreadyElectedError, type Agent, type Leadership, LeaderAliveError, leaderElectionAbi, NotLeaderError } from "../../sdk/src/index.ts";
import { advance, agentFor, eventually } from "./helpers/stack.ts";

describe("sdk: staking and election", function () {
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
    ({ groupId } = await agents[0]!.election.createGroup({ name: "sdk-group", epochDuration: 3_600, heartbeatTimeout: 30, minStake: parseEther("5"), failoverSlash: parseEther("1") }));
    for (const a of agents) await a.election.join(groupId);
  });

  it("stakes, unbonds and withdraws", async () => {
    const a = agents[0]!;
    expect(await a.staking.stakeOf()).to.equal(parseEther("10"));
    await a.staking.stake(parseEther("5"));
    await a.staking.requestUnstake(parseEther("5"));
    const { amount, releaseAt } = await a.staking.unbondingOf();
    expect(amount).to.equal(parseEther("5"));
    const now = (await a.publicClient.getBlock()).timestamp;
    await advance(Number(releaseAt - now) + 1);
    const before = await a.staking.balanceOf();
    await a.staking.withdraw();
    expect((await a.staking.balanceOf()) - before).to.equal(parseEther("5"));
  });

  it("elect finishes a draw someone else requested, and simulating elect right after a join does not revert", async () => {
    const [a, b] = agents;
    const { groupId: g } = await a!.election.createGroup({ name: "sdk-two-step", epochDuration: 3_600, heartbeatTimeout: 30 });
    await a!.election.join(g);
    await b!.election.join(g);
    const election = a!.deployment.contracts.LeaderElection!;
    // viem's simulate-then-write, right after the join's block: no false revert.
    const { request } = await b!.publicClient.simulateContract({ address: election, abi: leaderElectionAbi, functionName: "elect", args: [g], account: b!.walletClient!.account });
    await b!.publicClient.waitForTransactionReceipt({ hash: await b!.walletClient!.writeContract(request) });
    expect(await a!.election.pendingDraw(g)).to.not.equal(null);
    // The draw b requested: a's elect settles it and returns the leader.
    const { leader, term, epoch } = await a!.election.elect(g);
    expect([term, epoch]).to.deep.equal([1n, 1n]);
    expect([a!.agentId, b!.agentId]).to.include(leader);
    expect(await a!.election.pendingDraw(g)).to.equal(null);
    expect(await b!.election.elect(g).then(() => undefined, (e: unknown) => e)).to.be.instanceOf(AlreadyElectedError);
  });

  it("elects a leader, pushes leader changes, heartbeats only while leading, and fails over", async () => {
    const changes: Leadership[] = [];
    const stop = agents[1]!.election.onLeaderChange(groupId, (l) => changes.push(l));
    await advance(1);
    const { leader, term } = await agents[0]!.election.elect(groupId);
    expect(term).to.equal(1n);
    await eventually(() => (changes.some((c) => c.leader === leader) ? true : undefined), "onLeaderChange to push the elected leader");
    const leaderAgent = agents.find((a) => a.agentId === leader)!;
    const other = agents.find((a) => a.agentId !== leader)!;
    // A non-leader's heartbeat is refused with a typed error.
    expect(await other.election.heartbeat(groupId).then(() => undefined, (e: unknown) => e)).to.be.instanceOf(NotLeaderError);
    // The leader's runHeartbeat beats; the other's sends nothing.
    let beats = 0;
    let otherBeats = 0;
    const handle = leaderAgent.election.runHeartbeat(groupId, undefined, { intervalMs: 300, onBeat: () => beats++ });
    const otherHandle = other.election.runHeartbeat(groupId, undefined, { intervalMs: 300, onBeat: () => otherBeats++ });
    await eventually(() => (beats >= 2 ? true : undefined), "two heartbeats");
    expect(otherBeats).to.equal(0);
    // While the leader beats, failover is refused.
    expect(await other.election.failover(groupId).then(() => undefined, (e: unknown) => e)).to.be.instanceOf(LeaderAliveError);
    handle.stop();
    otherHandle.stop();
    const stoppedAt = beats;
    await advance(31);
    expect(beats).to.equal(stoppedAt, "no heartbeat after stop()");
    const failed = await other.election.failover(groupId);
    expect(failed.term).to.equal(2n);
    expect(failed.failed).to.equal(leader);
    expect(failed.leader).to.not.equal(leader);
    await eventually(() => (changes.some((c) => c.term === 2n) ? true : undefined), "onLeaderChange to push the failover");
    const current = await other.election.leader(groupId);
    // The pushed leadership is what a REST read gives (deadline and pending draw computed alike).
    expect(changes.at(-1)).to.deep.equal(current);
    expect(current.term).to.equal(2n);
    expect(current.leader).to.equal(failed.leader);
    stop();
  });
});
