/**
 * A seeded random workload over every contract, sent to a JSON-RPC node by many accounts: agents
 * register, declare capabilities, stake, join groups and elect leaders (with failovers), vote,
 * take locks, post/claim/race/submit/accept/reject/reclaim/hand off/escalate tasks, run schedules,
 * and message each other. Used by the indexer's consistency test and its backfill benchmark.
 */
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  stringToHex,
  toHex,
  zeroAddress,
  zeroHash,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { abis, type Deployment } from "../../sdk/src/index.ts";

/** Hardhat's default development mnemonic (its node funds these accounts). */
export const MNEMONIC = "test test test test test test test test test test test junk";
const TOKEN = 10n ** 18n;
const CAPS = [keccak256(toHex("summarize")), keccak256(toHex("translate")), keccak256(toHex("code"))] as const;

export type WorkloadOptions = {
  rpcUrl: string;
  deployment: Deployment;
  seed: number;
  /** Rounds of random actions (each round is a handful of transactions). */
  rounds: number;
  agents?: number;
  onProgress?: (line: string) => void;
};

export type WorkloadResult = { transactions: number; reverted: number };

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  const { rpcUrl, deployment } = options;
  const c = deployment.contracts;
  const transport = http(rpcUrl, { batch: false });
  const publicClient = createPublicClient({ transport });
  const chainId = await publicClient.getChainId();
  const chain = {
    id: chainId,
    name: "local",
    nativeCurrency: { name: "ETH", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  } as const;
  const n = options.agents ?? 10;
  const wallets = Array.from({ length: n }, (_, i) =>
    createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: i + 1 }), chain, transport }),
  );
  const rand = prng(options.seed);
  const log = options.onProgress ?? (() => {});
  let transactions = 0;
  let reverted = 0;

  const rpc = (method: string, params: unknown[] = []) =>
    publicClient.request({ method: method as never, params: params as never });
  const send = async (
    w: (typeof wallets)[number],
    address: Address,
    abi: readonly unknown[],
    functionName: string,
    args: readonly unknown[],
    value = 0n,
  ) => {
    transactions++;
    try {
      const hash = await w.writeContract({
        address,
        abi: abi as never,
        functionName: functionName as never,
        args: args as never,
        value: value as never,
        gas: 3_000_000n,
      } as never);
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") reverted++;
      return receipt.status === "success";
    } catch {
      reverted++;
      return false;
    }
  };
  const read = <T>(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
    publicClient.readContract({
      address,
      abi: abi as never,
      functionName: functionName as never,
      args: args as never,
    }) as Promise<T>;
  const advance = async (seconds: number) => {
    await rpc("evm_increaseTime", [seconds]);
    await rpc("evm_mine");
  };

  // ---- setup: every wallet registers an agent, declares capabilities and stakes.
  const agents: bigint[] = [];
  for (const [i, w] of wallets.entries()) {
    await send(w, c.IdentityRegistry!, abis.IdentityRegistry, "register", [
      `ipfs://agent-${i}`,
      [{ metadataKey: "role", metadataValue: toHex(`worker-${i}`) }],
    ]);
    const id = await read<bigint>(c.IdentityRegistry!, abis.IdentityRegistry, "lastAgentId");
    agents.push(id);
    await send(w, c.IdentityRegistry!, abis.IdentityRegistry, "setCapabilities", [
      id,
      [CAPS[i % 3]!, CAPS[(i + 1) % 3]!],
    ]);
    await send(w, c.StakeToken!, abis.StakeToken, "faucet", [w.account.address, 1_000n * TOKEN]);
    await send(w, c.StakeToken!, abis.StakeToken, "approve", [c.StakeManager!, 1_000n * TOKEN]);
    await send(w, c.StakeToken!, abis.StakeToken, "approve", [c.TaskBoard!, 1_000n * TOKEN]);
    await send(w, c.StakeManager!, abis.StakeManager, "stake", [id, BigInt(10 + rand.int(90)) * TOKEN]);
  }
  const owner = (agentId: bigint) => wallets[agents.indexOf(agentId)]!;
  log(`workload: ${n} agents registered and staked`);

  // ---- a group everyone joins, elected; a restricted channel for it.
  const leader = wallets[0]!;
  await send(leader, c.LeaderElection!, abis.LeaderElection, "createGroup", [
    stringToHex("swarm", { size: 32 }),
    { epochDuration: 600n, heartbeatTimeout: 120n, minStake: 5n * TOKEN, failoverSlash: TOKEN },
  ]);
  const groupId = await read<bigint>(c.LeaderElection!, abis.LeaderElection, "groupCount");
  for (const id of agents) await send(owner(id), c.LeaderElection!, abis.LeaderElection, "join", [groupId, id]);
  await send(leader, c.MessageBus!, abis.MessageBus, "restrictChannel", [groupId, stringToHex("orders", { size: 32 })]);
  const groupChannel = await read<Hex>(c.MessageBus!, abis.MessageBus, "groupChannel", [
    groupId,
    stringToHex("orders", { size: 32 }),
  ]);
  await rpc("evm_mine");
  await send(leader, c.LeaderElection!, abis.LeaderElection, "elect", [groupId]);

  const tasks: bigint[] = [];
  const spec = async (overrides: Record<string, unknown> = {}) => {
    const block = await publicClient.getBlock();
    const ramp = rand.int(2) === 0;
    return {
      capability: rand.int(4) === 0 ? zeroHash : rand.pick(CAPS),
      specURI: `ipfs://task-${tasks.length}`,
      specHash: keccak256(toHex(`task-${tasks.length}`)),
      rewardToken: zeroAddress as Address,
      reward: 10n ** 15n,
      maxReward: ramp ? 2n * 10n ** 15n : 10n ** 15n,
      claimBond: rand.int(3) === 0 ? 10n ** 14n : 0n,
      minStake: TOKEN,
      abandonSlash: rand.int(4) === 0 ? TOKEN / 2n : 0n,
      leaseDuration: 300n,
      notBefore: 0n,
      deadline: block.timestamp + 3_600n,
      reviewWindow: 300n,
      approver: zeroAddress as Address,
      ...overrides,
    };
  };
  const taskView = (taskId: bigint) =>
    read<{
      status: number;
      claimant: bigint;
      attempt: number;
      claimBond: bigint;
      rewardToken: Address;
      poster: Address;
    }>(c.TaskBoard!, abis.TaskBoard, "getTask", [taskId]);
  const posterOf = (address: Address) =>
    wallets.find((w) => w.account.address.toLowerCase() === address.toLowerCase())!;

  for (let round = 0; round < options.rounds; round++) {
    const action = rand.int(16);
    const w = rand.pick(wallets);
    const me = agents[wallets.indexOf(w)]!;
    switch (action) {
      case 0:
      case 1: {
        const s = await spec();
        if (await send(w, c.TaskBoard!, abis.TaskBoard, "postTask", [s], s.maxReward))
          tasks.push(await read<bigint>(c.TaskBoard!, abis.TaskBoard, "taskCount"));
        break;
      }
      case 2: {
        // Racing claims: several agents claim the same open task in one block.
        const taskId = tasks.length ? rand.pick(tasks) : 0n;
        if (!taskId) break;
        const t = await taskView(taskId);
        if (t.status !== 1) break;
        await rpc("evm_setAutomine", [false]);
        const hashes: Hex[] = [];
        for (const racer of [rand.pick(wallets), rand.pick(wallets), rand.pick(wallets)]) {
          transactions++;
          try {
            hashes.push(
              await racer.writeContract({
                address: c.TaskBoard!,
                abi: abis.TaskBoard,
                functionName: "claim",
                args: [taskId, agents[wallets.indexOf(racer)]!],
                value: t.claimBond,
                gas: 500_000n,
              }),
            );
          } catch {
            reverted++;
          }
        }
        await rpc("evm_mine");
        await rpc("evm_setAutomine", [true]);
        for (const hash of hashes)
          if ((await publicClient.waitForTransactionReceipt({ hash })).status !== "success") reverted++;
        break;
      }
      case 3:
      case 4: {
        // The claimant moves its task on: submit, renew, escalate or hand off.
        const taskId = tasks.length ? rand.pick(tasks) : 0n;
        if (!taskId) break;
        const t = await taskView(taskId);
        if (t.status !== 2) break;
        const cw = owner(t.claimant);
        const move = rand.int(6);
        if (move <= 2)
          await send(cw, c.TaskBoard!, abis.TaskBoard, "submit", [
            taskId,
            t.attempt,
            `ipfs://result-${taskId}`,
            keccak256(toHex(`r${taskId}`)),
          ]);
        else if (move === 3) await send(cw, c.TaskBoard!, abis.TaskBoard, "renewLease", [taskId, t.attempt]);
        else if (move === 4)
          await send(cw, c.TaskBoard!, abis.TaskBoard, "escalate", [taskId, t.attempt, "ipfs://question"]);
        else {
          const to = rand.pick(agents);
          if (
            to !== t.claimant &&
            (await send(cw, c.TaskBoard!, abis.TaskBoard, "handoff", [taskId, t.attempt, to, "ipfs://context"]))
          ) {
            await send(owner(to), c.TaskBoard!, abis.TaskBoard, "acceptHandoff", [taskId, to], t.claimBond);
          }
        }
        break;
      }
      case 5: {
        // The poster reviews: accept or reject; an escalation is answered.
        const taskId = tasks.length ? rand.pick(tasks) : 0n;
        if (!taskId) break;
        const t = await taskView(taskId);
        const pw = posterOf(t.poster);
        if (t.status === 3)
          await send(
            pw,
            c.TaskBoard!,
            abis.TaskBoard,
            rand.int(4) === 0 ? "reject" : "accept",
            rand.int(4) === 0 ? [taskId, "ipfs://why"] : [taskId],
          );
        else if (t.status === 4)
          await send(pw, c.TaskBoard!, abis.TaskBoard, "resolveEscalation", [
            taskId,
            "ipfs://answer",
            rand.int(2) === 0,
          ]);
        else if (t.status === 1 && rand.int(3) === 0) await send(pw, c.TaskBoard!, abis.TaskBoard, "cancel", [taskId]);
        break;
      }
      case 6: {
        // Time passes: leases expire, reviews close, deadlines pass.
        await advance(60 + rand.int(400));
        for (const taskId of tasks.slice(-12)) {
          const t = await taskView(taskId);
          if (t.status === 2) await send(w, c.TaskBoard!, abis.TaskBoard, "reclaim", [taskId]);
          else if (t.status === 3 && rand.int(2) === 0) await send(w, c.TaskBoard!, abis.TaskBoard, "accept", [taskId]);
          else if (t.status === 1) await send(w, c.TaskBoard!, abis.TaskBoard, "expire", [taskId]);
        }
        break;
      }
      case 7: {
        // Leadership: heartbeat, or a silent leader failed over, or a new epoch's election.
        const [leaderId] = await read<[bigint, bigint, bigint, bigint]>(
          c.LeaderElection!,
          abis.LeaderElection,
          "currentLeader",
          [groupId],
        );
        const choice = rand.int(3);
        if (choice === 0 && leaderId !== 0n)
          await send(owner(leaderId), c.LeaderElection!, abis.LeaderElection, "heartbeat", [groupId, leaderId]);
        else if (choice === 1 && leaderId !== 0n) {
          await advance(121);
          await send(w, c.LeaderElection!, abis.LeaderElection, "failover", [groupId]);
        } else {
          // A draw is requested by one call and settled by the next.
          await advance(600);
          await send(w, c.LeaderElection!, abis.LeaderElection, "elect", [groupId]);
          await send(w, c.LeaderElection!, abis.LeaderElection, "elect", [groupId]);
        }
        break;
      }
      case 8: {
        const seq = rand.int(2);
        if (seq === 0)
          await send(w, c.MessageBus!, abis.MessageBus, "post", [
            me,
            rand.int(2) === 0 ? groupChannel : keccak256(toHex("open")),
            toHex(`hello ${round}`),
          ]);
        else await send(w, c.MessageBus!, abis.MessageBus, "send", [me, rand.pick(agents), toHex(`dm ${round}`)]);
        break;
      }
      case 9: {
        const client = rand.pick(wallets);
        if (client !== w) {
          await send(client, c.ReputationRegistry!, abis.ReputationRegistry, "giveFeedback", [
            me,
            BigInt(rand.int(100)),
            rand.int(3),
            "quality",
            rand.pick(["fast", "slow"]),
            "",
            "ipfs://fb",
            zeroHash,
          ]);
        }
        break;
      }
      case 10: {
        const validator = rand.pick(wallets);
        if (validator !== w) {
          const requestHash = keccak256(toHex(`request ${me} ${round}`));
          if (
            await send(w, c.ValidationRegistry!, abis.ValidationRegistry, "validationRequest", [
              validator.account.address,
              me,
              "ipfs://vreq",
              requestHash,
            ])
          ) {
            await send(validator, c.ValidationRegistry!, abis.ValidationRegistry, "validationResponse", [
              requestHash,
              rand.int(101),
              "ipfs://vres",
              zeroHash,
              "tag",
            ]);
          }
        }
        break;
      }
      case 11: {
        const key = keccak256(toHex(`resource-${rand.int(3)}`));
        const [holder, token] = await read<[bigint, bigint, bigint]>(c.LockManager!, abis.LockManager, "holderOf", [
          key,
        ]);
        if (holder === me) await send(w, c.LockManager!, abis.LockManager, "release", [key, token]);
        else await send(w, c.LockManager!, abis.LockManager, "acquire", [key, me, BigInt(60 + rand.int(300))]);
        break;
      }
      case 12: {
        const pick = rand.int(3);
        if (pick === 0)
          await send(w, c.StakeManager!, abis.StakeManager, "stake", [me, BigInt(1 + rand.int(5)) * TOKEN]);
        else if (pick === 1) await send(w, c.StakeManager!, abis.StakeManager, "requestUnstake", [me, TOKEN]);
        else await send(w, c.StakeManager!, abis.StakeManager, "withdraw", [me]);
        break;
      }
      case 13: {
        const proposals = await read<bigint>(c.Governance!, abis.Governance, "proposalCount");
        if (proposals === 0n || rand.int(3) === 0) {
          await advance(1);
          await send(w, c.Governance!, abis.Governance, "propose", [
            groupId,
            `ipfs://proposal-${round}`,
            3,
            400n,
            1_000,
          ]);
        } else {
          const id = 1n + BigInt(rand.int(Number(proposals)));
          if (!(await send(w, c.Governance!, abis.Governance, "vote", [id, me, rand.int(3)]))) {
            await send(w, c.Governance!, abis.Governance, "finalize", [id]);
          }
        }
        break;
      }
      case 14: {
        const schedules = await read<bigint>(c.TaskBoard!, abis.TaskBoard, "scheduleCount");
        if (schedules === 0n || rand.int(4) === 0) {
          const block = await publicClient.getBlock();
          const template = await spec({ deadline: 600n });
          await send(
            w,
            c.TaskBoard!,
            abis.TaskBoard,
            "createSchedule",
            [template, block.timestamp + 30n, 120n, 3],
            template.maxReward * 3n,
          );
        } else {
          const id = 1n + BigInt(rand.int(Number(schedules)));
          if (rand.int(5) === 0) await send(w, c.TaskBoard!, abis.TaskBoard, "cancelSchedule", [id]);
          else if (await send(w, c.TaskBoard!, abis.TaskBoard, "claimScheduled", [id, rand.int(3), me])) {
            tasks.push(await read<bigint>(c.TaskBoard!, abis.TaskBoard, "taskCount"));
          }
        }
        break;
      }
      default: {
        const pick = rand.int(3);
        if (pick === 0) await send(w, c.TaskBoard!, abis.TaskBoard, "withdrawCredit", [zeroAddress]);
        else if (pick === 1) await send(w, c.TaskBoard!, abis.TaskBoard, "withdrawCredit", [c.StakeToken!]);
        else await send(w, c.IdentityRegistry!, abis.IdentityRegistry, "setAgentURI", [me, `ipfs://agent-v${round}`]);
      }
    }
    if (round % 50 === 49)
      log(
        `workload: round ${round + 1}/${options.rounds}, ` +
          `${transactions} transactions (${reverted} reverted, as designed)`,
      );
  }
  return { transactions, reverted };
}
