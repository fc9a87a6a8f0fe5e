/**
 * Gas of work coordination: TaskBoard's lifecycle and MessageBus. Times are pinned (a fixed chain
 * time and absolute deadlines) so that calldata, and with it the gas, is the same in every run.
 */
import type { network } from "hardhat";
import { type Address, keccak256, stringToHex, toHex, zeroAddress, zeroHash } from "viem";
import { deployOnHardhat } from "../scripts/lib/deploy.ts";
import { type GasRow, type GasSection, gasOf, total } from "./gas.ts";

type Viem = Awaited<ReturnType<typeof network.create>>["viem"];
type NetworkHelpers = Awaited<ReturnType<typeof network.create>>["networkHelpers"];

const TOKEN = 10n ** 18n;
const CAP = keccak256(toHex("summarize"));
/** DESIGN §5: claim with eligibility checks (capability and stake), no bond. */
export const CLAIM_TARGET = 50_000n;
/** DESIGN §5: the whole lifecycle (post + claim + submit + accept, ETH, flat reward, no bond). */
export const LIFECYCLE_TARGET = 300_000n;
/** One packed slot read and written: the floor DESIGN §5 compares claim with. */
const CLAIM_FLOOR = 26_500n;
const T0 = 4_200_000_000n;
const PAYLOAD_200 = `0x${"5a".repeat(200)}` as const;
/**
 * 200 bytes that do not compress (a keccak chain, the same in every run), as an encrypted or hashed
 * payload would be: an OP-stack chain prices L1 data by its compressed size, so this one pays for
 * all 200 bytes where PAYLOAD_200 compresses to almost nothing.
 */
const PAYLOAD_200_ENTROPY = `0x${Array.from({ length: 7 }, (_, i) => keccak256(toHex(`payload ${i}`)).slice(2))
  .join("")
  .slice(0, 400)}` as const;

export async function measureTaskGas(viem: Viem, helpers: NetworkHelpers): Promise<GasSection> {
  const publicClient = await viem.getPublicClient();
  const [deployer, poster, w1, w2] = await viem.getWalletClients();
  if (!deployer || !poster || !w1 || !w2) throw new Error("need 4 accounts");
  if (BigInt(await helpers.time.latest()) < T0) await helpers.time.setNextBlockTimestamp(T0);
  const c = (await deployOnHardhat(viem)).contracts;
  const mined = (hash: Promise<`0x${string}`>) => gasOf(publicClient, hash);
  const at = {
    identity: (w = deployer) => viem.getContractAt("IdentityRegistry", c.IdentityRegistry!, { client: { wallet: w } }),
    token: (w = deployer) => viem.getContractAt("StakeToken", c.StakeToken!, { client: { wallet: w } }),
    stakes: (w = deployer) => viem.getContractAt("StakeManager", c.StakeManager!, { client: { wallet: w } }),
    board: (w = deployer) => viem.getContractAt("TaskBoard", c.TaskBoard!, { client: { wallet: w } }),
    bus: (w = deployer) => viem.getContractAt("MessageBus", c.MessageBus!, { client: { wallet: w } }),
    election: (w = deployer) => viem.getContractAt("LeaderElection", c.LeaderElection!, { client: { wallet: w } }),
  };
  const worker = async (owner: typeof w1) => {
    await mined((await at.identity(owner)).write.register(["ipfs://worker"]));
    const agentId = await (await at.identity()).read.lastAgentId();
    await mined((await at.identity(owner)).write.setCapabilities([agentId, [CAP]]));
    await mined((await at.token(owner)).write.faucet([owner.account.address, 100n * TOKEN]));
    await mined((await at.token(owner)).write.approve([c.StakeManager!, 100n * TOKEN]));
    await mined((await at.stakes(owner)).write.stake([agentId, 10n * TOKEN]));
    return agentId;
  };
  const a1 = await worker(w1);
  const a2 = await worker(w2);
  const deadline = T0 + 30n * 86_400n;
  const spec = (
    overrides: Partial<{ reward: bigint; maxReward: bigint; claimBond: bigint; abandonSlash: bigint }> = {},
  ) => ({
    capability: CAP,
    specURI: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtq5f",
    specHash: keccak256(toHex("spec")),
    rewardToken: zeroAddress as Address,
    reward: 10n ** 15n,
    maxReward: 10n ** 15n,
    claimBond: 0n,
    minStake: TOKEN,
    abandonSlash: 0n,
    leaseDuration: 3_600n,
    notBefore: 0n,
    deadline,
    reviewWindow: 3_600n,
    approver: zeroAddress as Address,
    ...overrides,
  });
  const board = await at.board(poster);
  const post = async (s: ReturnType<typeof spec>) => {
    const measured = await mined(board.write.postTask([s], { value: s.maxReward }));
    return { measured, taskId: await board.read.taskCount() };
  };
  const rows: GasRow[] = [];

  // Warm-up: the first task, claim and acceptance pay one-time costs (first feedback from
  // TaskBoard to a1, first credit slots); measured rows below are steady state.
  const warm = await post(spec());
  await mined((await at.board(w1)).write.claim([warm.taskId, a1]));
  await mined((await at.board(w1)).write.submit([warm.taskId, 1, "ipfs://result", keccak256(toHex("r"))]));
  await mined(board.write.accept([warm.taskId]));

  const flat = await post(spec());
  rows.push({ name: "postTask, ETH, flat reward", ...flat.measured });
  const claim = await mined((await at.board(w1)).write.claim([flat.taskId, a1]));
  rows.push({
    name: "claim, capability + stake checks, no bond",
    ...claim,
    target: CLAIM_TARGET,
    note:
      `${(claim.gas - CLAIM_FLOOR).toLocaleString("en-US")} above the one-slot floor of ` +
      `~${CLAIM_FLOOR.toLocaleString("en-US")}`,
  });
  rows.push({ name: "renewLease", ...(await mined((await at.board(w1)).write.renewLease([flat.taskId, 1]))) });
  const submit = await mined(
    (await at.board(w1)).write.submit([flat.taskId, 1, "ipfs://result", keccak256(toHex("r"))]),
  );
  rows.push({ name: "submit", ...submit });
  const accept = await mined(board.write.accept([flat.taskId]));
  rows.push({ name: "accept, by the poster (pays, refunds, writes reputation)", ...accept });
  rows.push({
    name:
      "task lifecycle, capability + stake checks: postTask + claim + submit + accept (the rows above), " +
      "ETH, flat reward, no bond",
    ...total(flat.measured, claim, submit, accept),
    target: LIFECYCLE_TARGET,
    openTarget: "a full 32-byte capability takes a fourth fresh slot at posting; see the README",
  });

  // The lifecycle of a task without capability or minimum stake (as the peers measure it).
  const plainSpec = { ...spec(), capability: zeroHash, minStake: 0n };
  const plain = await post(plainSpec);
  const plainClaim = await mined((await at.board(w1)).write.claim([plain.taskId, a1]));
  const plainSubmit = await mined(
    (await at.board(w1)).write.submit([plain.taskId, 1, "ipfs://result", keccak256(toHex("r"))]),
  );
  const plainAccept = await mined(board.write.accept([plain.taskId]));
  rows.push({ name: "task lifecycle, plain task (no capability, no minimum stake): postTask", ...plain.measured });
  rows.push({ name: "task lifecycle, plain task: claim", ...plainClaim });
  rows.push({ name: "task lifecycle, plain task: submit", ...plainSubmit });
  rows.push({ name: "task lifecycle, plain task: accept", ...plainAccept });
  rows.push({
    name: "task lifecycle, plain task: total, ETH, flat reward, no bond",
    ...total(plain.measured, plainClaim, plainSubmit, plainAccept),
    target: LIFECYCLE_TARGET,
    note: "ERC-8183 reference ≈ 507k, Olas Mech ≈ 480k (measured)",
  });

  const rising = await post(spec({ maxReward: 2n * 10n ** 15n }));
  rows.push({ name: "postTask, ETH, rising reward", ...rising.measured });
  rows.push({
    name: "claim, rising reward (reads the reward slot)",
    ...(await mined((await at.board(w1)).write.claim([rising.taskId, a1]))),
  });

  const bonded = await post(spec({ claimBond: 10n ** 14n, abandonSlash: TOKEN }));
  rows.push({
    name: "claim, with an ETH bond",
    ...(await mined((await at.board(w2)).write.claim([bonded.taskId, a2], { value: 10n ** 14n }))),
  });
  await helpers.time.increase(3_601n);
  rows.push({ name: "reclaim, bond and stake slashed", ...(await mined(board.write.reclaim([bonded.taskId]))) });

  // Handoff, escalation and rejection on one task (w1 hands it to a2, whose owner escalates, is
  // answered, submits and is rejected).
  const relay = await post(spec());
  await mined((await at.board(w1)).write.claim([relay.taskId, a1]));
  rows.push({
    name: "handoff",
    ...(await mined((await at.board(w1)).write.handoff([relay.taskId, 1, a2, "ipfs://context"]))),
  });
  rows.push({ name: "acceptHandoff", ...(await mined((await at.board(w2)).write.acceptHandoff([relay.taskId, a2]))) });
  rows.push({
    name: "escalate",
    ...(await mined((await at.board(w2)).write.escalate([relay.taskId, 2, "ipfs://question"]))),
  });
  rows.push({
    name: "resolveEscalation, resume",
    ...(await mined(board.write.resolveEscalation([relay.taskId, "ipfs://answer", true]))),
  });
  await mined((await at.board(w2)).write.submit([relay.taskId, 2, "ipfs://result", keccak256(toHex("r"))]));
  rows.push({
    name: "reject, by the poster (reopens, writes reputation)",
    ...(await mined(board.write.reject([relay.taskId, "ipfs://why"]))),
  });

  // A task that slashes on abandonment: the claim locks the stake, the submission releases it.
  const slashing = await post(spec({ abandonSlash: TOKEN }));
  rows.push({
    name: "claim, abandonSlash (locks stake), no bond",
    ...(await mined((await at.board(w1)).write.claim([slashing.taskId, a1]))),
  });
  rows.push({
    name: "submit, releases the stake lock",
    ...(await mined((await at.board(w1)).write.submit([slashing.taskId, 1, "ipfs://result", keccak256(toHex("r"))]))),
  });

  // An escalation nobody answers: after the approver's window anyone reopens the task.
  const unanswered = await post(spec());
  await mined((await at.board(w2)).write.claim([unanswered.taskId, a2]));
  await mined((await at.board(w2)).write.escalate([unanswered.taskId, 1, "ipfs://question"]));
  await helpers.time.increase(3_601n);
  rows.push({ name: "expireEscalation", ...(await mined(board.write.expireEscalation([unanswered.taskId]))) });

  // A schedule: round 0 spawned and claimed in one transaction.
  const firstAt = BigInt(await helpers.time.latest()) + 10n;
  const template = { ...spec(), deadline: 3_600n };
  await mined(board.write.createSchedule([template, firstAt, 3_600n, 4], { value: 4n * template.maxReward }));
  const scheduleId = await board.read.scheduleCount();
  await helpers.time.increaseTo(firstAt);
  rows.push({
    name: "claimScheduled (spawn + claim)",
    ...(await mined((await at.board(w2)).write.claimScheduled([scheduleId, 0, a2]))),
  });

  // Messages, 200-byte payloads, second message on the channel and in the inbox.
  const bus = await at.bus(w1);
  const channel = keccak256(toHex("swarm"));
  await mined(bus.write.post([a1, channel, PAYLOAD_200]));
  rows.push({ name: "post, 200-byte payload", ...(await mined(bus.write.post([a1, channel, PAYLOAD_200]))) });
  rows.push({
    name: "post, 200-byte high-entropy payload",
    ...(await mined(bus.write.post([a1, channel, PAYLOAD_200_ENTROPY]))),
  });
  await mined(bus.write.send([a1, a2, PAYLOAD_200]));
  rows.push({ name: "send, 200-byte payload", ...(await mined(bus.write.send([a1, a2, PAYLOAD_200]))) });
  const election = await at.election();
  await mined(
    election.write.createGroup([
      stringToHex("bench-bus", { size: 32 }),
      { epochDuration: 3_600n, heartbeatTimeout: 600n, minStake: 0n, failoverSlash: 0n },
    ]),
  );
  await mined((await at.election(w1)).write.join([await election.read.groupCount(), a1]));
  const restricted = await (await at.bus()).read.groupChannel([
    await election.read.groupCount(),
    stringToHex("orders", { size: 32 }),
  ]);
  await mined(
    (await at.bus()).write.restrictChannel([await election.read.groupCount(), stringToHex("orders", { size: 32 })]),
  );
  await mined(bus.write.post([a1, restricted, PAYLOAD_200]));
  rows.push({
    name: "post, 200-byte payload, group channel",
    ...(await mined(bus.write.post([a1, restricted, PAYLOAD_200]))),
  });

  return { title: "Work coordination", rows };
}
