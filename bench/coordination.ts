/**
 * Gas of staking and consensus: elect (the draw's request, and the call that settles it) and a
 * stake change at 100, 1,000 and 10,000 members, and the other calls of LeaderElection,
 * Governance and LockManager. Groups are filled through the real
 * contracts by BulkMembersMock (many members per transaction); every measured call is the real one,
 * sent by an ordinary account.
 */
import type { network } from "hardhat";
import { keccak256, stringToHex, toHex } from "viem";
import { deployOnHardhat } from "../scripts/lib/deploy.ts";
import { type GasRow, type GasSection, gasOf } from "./gas.ts";

type Viem = Awaited<ReturnType<typeof network.create>>["viem"];
type NetworkHelpers = Awaited<ReturnType<typeof network.create>>["networkHelpers"];

const TOKEN = 10n ** 18n;
const EPOCH = 3_600n;
const HEARTBEAT = 600n;
/** DESIGN §5 targets. */
export const ELECT_10K_TARGET = 65_000n;
export const ELECT_RATIO_TARGET = 1.3;
export const TREE_UPDATE_10K_TARGET = 48_000n;
export const HEARTBEAT_TARGET = 30_000n;
/** Kleros v2 sortition tree (K = 6) on Hardhat 3.18, quoted by DESIGN §5. */
const KLEROS = { draw10k: 86_979n, draw100: 66_018n, set10k: 64_361n };

export async function measureCoordinationGas(
  viem: Viem,
  helpers: NetworkHelpers,
  sizes: readonly number[] = [100, 1_000, 10_000],
  progress: (line: string) => void = () => {},
): Promise<GasSection> {
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const [deployer, alice, bob] = wallets;
  if (!deployer || !alice || !bob) throw new Error("need 3 accounts");
  const deployment = await deployOnHardhat(viem);
  const c = deployment.contracts;
  const mined = (hash: Promise<`0x${string}`>) => gasOf(publicClient, hash);
  const as = {
    identity: (w = deployer) => viem.getContractAt("IdentityRegistry", c.IdentityRegistry!, { client: { wallet: w } }),
    token: (w = deployer) => viem.getContractAt("StakeToken", c.StakeToken!, { client: { wallet: w } }),
    stakes: (w = deployer) => viem.getContractAt("StakeManager", c.StakeManager!, { client: { wallet: w } }),
    election: (w = deployer) => viem.getContractAt("LeaderElection", c.LeaderElection!, { client: { wallet: w } }),
    governance: (w = deployer) => viem.getContractAt("Governance", c.Governance!, { client: { wallet: w } }),
    locks: (w = deployer) => viem.getContractAt("LockManager", c.LockManager!, { client: { wallet: w } }),
  };
  const bulk = await viem.deployContract("BulkMembersMock", [
    c.IdentityRegistry!,
    c.StakeManager!,
    c.LeaderElection!,
    c.StakeToken!,
  ]);
  const election = await as.election();

  /** An agent owned by `owner` with `stake` staked (in an earlier block than anything measured). */
  const agentWithStake = async (owner: typeof alice, stake: bigint) => {
    await mined((await as.identity(owner)).write.register(["ipfs://bench-agent"]));
    const agentId = await (await as.identity()).read.lastAgentId();
    await mined((await as.token(owner)).write.faucet([owner.account.address, stake * 10n]));
    await mined((await as.token(owner)).write.approve([c.StakeManager!, stake * 10n]));
    await mined((await as.stakes(owner)).write.stake([agentId, stake]));
    return agentId;
  };

  const rows: GasRow[] = [];
  const electGas = new Map<number, bigint>();
  const params = { epochDuration: EPOCH, heartbeatTimeout: HEARTBEAT, minStake: TOKEN, failoverSlash: TOKEN };
  const createGroup = async (label: string) => {
    await mined(election.write.createGroup([stringToHex(label, { size: 32 }), params]));
    return election.read.groupCount();
  };
  // A staker in no group: the baseline a stake change costs without any tree to update.
  const loner = await agentWithStake(bob, 10n * TOKEN);

  let largest = 0n;
  let firstMember = 0n;
  for (const size of sizes) {
    const groupId = await createGroup(`bench-${size}`);
    const measured = await agentWithStake(alice, 10n * TOKEN);
    if (firstMember === 0n) firstMember = measured;
    await mined((await as.election(alice)).write.join([groupId, measured]));
    const batch = 35;
    for (let added = 1; added < size; added += batch) {
      await mined(bulk.write.addMembers([groupId, BigInt(Math.min(batch, size - added)), TOKEN], { gas: 16_000_000n }));
      if (size >= 1_000 && (added - 1) % (batch * 25) === 0)
        progress(`  group of ${size}: ${Math.min(added + batch, size)}/${size} members`);
    }
    await helpers.mine();

    // Tree update: the same stake change by an agent in this group, minus by an agent in none.
    await mined((await as.stakes(alice)).write.requestUnstake([measured, TOKEN]));
    await mined((await as.stakes(bob)).write.requestUnstake([loner, TOKEN]));
    const inGroup = await mined((await as.stakes(alice)).write.stake([measured, TOKEN]));
    const alone = await mined((await as.stakes(bob)).write.stake([loner, TOKEN]));
    // A difference of two transactions, not a transaction: it has no L1 data fee of its own.
    const treeUpdate = inGroup.gas - alone.gas;
    await helpers.mine();

    // The draw takes two transactions: the request, bound to its block's hash, and the settlement
    // (here a second elect; any call touching the group would do), which carries the draw itself.
    const request = await mined(election.write.elect([groupId]));
    const elect = await mined(election.write.elect([groupId]));
    electGas.set(size, elect.gas);
    const n = size.toLocaleString("en-US");
    const isLarge = size === 10_000;
    rows.push({ name: `elect, request, ${n} members`, ...request });
    rows.push({
      name: `elect, settle (the draw), ${n} members`,
      ...elect,
      ...(isLarge ? { target: ELECT_10K_TARGET } : {}),
      ...(isLarge
        ? { note: `Kleros K=6: ${KLEROS.draw10k.toLocaleString("en-US")}` }
        : size === 100
          ? { note: `Kleros K=6: ${KLEROS.draw100.toLocaleString("en-US")}` }
          : {}),
    });
    rows.push({
      name: `stake change, tree update, ${n} members`,
      gas: treeUpdate,
      ...(isLarge
        ? { target: TREE_UPDATE_10K_TARGET, note: `Kleros set: ${KLEROS.set10k.toLocaleString("en-US")}` }
        : {}),
    });
    rows.push({ name: `stake change, whole transaction, ${n} members`, ...inGroup });
    progress(`  group of ${n}: elect ${elect.gas} gas, tree update ${treeUpdate} gas`);
    largest = groupId;
  }
  const small = electGas.get(sizes[0]!);
  const large = electGas.get(sizes[sizes.length - 1]!);
  if (small && large && sizes.length > 1) {
    const ratio = Number(large) / Number(small);
    const row = rows.find(
      (r) => r.name === `elect, settle (the draw), ${sizes[sizes.length - 1]!.toLocaleString("en-US")} members`,
    )!;
    row.note =
      `${row.note ? `${row.note}; ` : ""}${ratio.toFixed(2)} × the ${sizes[0]}-member draw ` +
      `(target ≤ ${ELECT_RATIO_TARGET})`;
  }

  // Heartbeats do not depend on the group's size: a one-member group that alice leads.
  const solo = await createGroup("bench-heartbeat");
  const soloAgent = await agentWithStake(alice, 3n * TOKEN);
  await mined((await as.election(alice)).write.join([solo, soloAgent]));
  await mined(election.write.elect([solo]));
  await mined(election.write.elect([solo]));
  rows.push({
    name: "heartbeat, first of the term (authorisation checked)",
    ...(await mined((await as.election(alice)).write.heartbeat([solo, soloAgent]))),
  });
  rows.push({
    name: "heartbeat",
    ...(await mined((await as.election(alice)).write.heartbeat([solo, soloAgent]))),
    target: HEARTBEAT_TARGET,
  });

  // Failover in the largest group: the seat vacated, the slash (and its tree update) and the
  // redraw's request; then the redraw's settlement, which excludes the failed leader.
  await helpers.time.increase(HEARTBEAT + 1n);
  await helpers.mine();
  const largestN = sizes[sizes.length - 1]!.toLocaleString("en-US");
  rows.push({
    name: `failover, ${largestN} members (vacate + slash + request)`,
    ...(await mined(election.write.failover([largest]))),
  });
  rows.push({
    name: `failover redraw, settle, ${largestN} members (1 excluded)`,
    ...(await mined(election.write.elect([largest]))),
    // The redraw's path may share cold or warm slots with the excluded leader's (2,100 gas each).
    jitter: 10_000n,
    note: "varies by up to ±10,000 with the draw",
  });

  // join and leave on a small group in a new epoch.
  const joinGroup = await createGroup("bench-join");
  await mined(bulk.write.addMembers([joinGroup, 20n, TOKEN], { gas: 16_000_000n }));
  const joiner = await agentWithStake(bob, 5n * TOKEN);
  rows.push({ name: "join, 21st member", ...(await mined((await as.election(bob)).write.join([joinGroup, joiner]))) });
  rows.push({ name: "leave", ...(await mined((await as.election(bob)).write.leave([joinGroup, joiner]))) });

  // Governance on the first group, voting with alice's member agent.
  const governance = await as.governance();
  await helpers.time.increase(1);
  rows.push({
    name: "propose",
    ...(await mined(governance.write.propose([1n, "ipfs://proposal", 3, 86_400n, 2_000]))),
  });
  const proposalId = await governance.read.proposalCount();
  rows.push({ name: "vote", ...(await mined((await as.governance(alice)).write.vote([proposalId, firstMember, 1]))) });
  await helpers.time.increase(86_400n);
  rows.push({ name: "finalize, 3 options", ...(await mined(governance.write.finalize([proposalId]))) });

  // Locks.
  const key = keccak256(toHex("bench/resource"));
  const locks = await as.locks(alice);
  rows.push({ name: "acquire, new lock", ...(await mined(locks.write.acquire([key, firstMember, 300n]))) });
  rows.push({ name: "release", ...(await mined(locks.write.release([key, 1n]))) });
  rows.push({ name: "acquire, released lock", ...(await mined(locks.write.acquire([key, firstMember, 300n]))) });

  // Stake leaving: unstake part of an agent's stake, then withdraw it after the unbonding period.
  const leaving = await agentWithStake(bob, 4n * TOKEN);
  rows.push({
    name: "requestUnstake",
    ...(await mined((await as.stakes(bob)).write.requestUnstake([leaving, TOKEN]))),
  });
  await helpers.time.increase(await (await as.stakes()).read.unbondingPeriod());
  rows.push({ name: "withdraw, unbonded stake", ...(await mined((await as.stakes(bob)).write.withdraw([leaving]))) });

  return { title: "Staking and consensus", rows };
}
