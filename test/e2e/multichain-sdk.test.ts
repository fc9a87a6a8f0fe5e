/**
 * The SDK against one indexer following two chains (l1 31337 and op 31338, each with the full
 * deployment and a different seeded workload, so the same ids name different things): an agent made
 * for one chain reads only its chain, as the chain itself answers; `createAgents` holds one agent
 * per chain, lists and watches both chains' open tasks from one live query, and claims across chains
 * by reward net of the measured fee.
 */
import { expect } from "chai";
import {
  type Address,
  type Chain,
  createPublicClient,
  decodeFunctionData,
  defineChain,
  erc20Abi,
  http,
  parseEther,
  parseGwei,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { LOCAL_CHAIN_IDS, type LocalChainType } from "../../scripts/lib/chains.ts";
import { waitForIndexer } from "../../scripts/lib/oracle.ts";
import { type ChainsStack, type StackIndexer, startChainsStack } from "../../scripts/lib/stack.ts";
import { MNEMONIC, rpc, taskPoster } from "../../scripts/lib/tasks.ts";
import { runWorkload } from "../../scripts/lib/workload.ts";
import {
  type Agent,
  type Agents,
  abis,
  createAgent,
  createAgents,
  DuplicateChainError,
  feeTotal,
  InvalidInputError,
  MissingConfigError,
  type Task,
  UnknownChainError,
} from "../../sdk/src/index.ts";

const L1 = LOCAL_CHAIN_IDS.l1;
const OP = LOCAL_CHAIN_IDS.op;
const CHAINS = ["l1", "op"] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fields of a task both the indexer and the chain know (addresses lower-cased). */
const onChainFields = (t: Task | null) =>
  t && {
    chainId: t.chainId,
    id: t.id,
    status: t.status,
    poster: t.poster.toLowerCase(),
    capability: t.capability,
    rewardToken: t.rewardToken.toLowerCase(),
    reward: t.reward,
    maxReward: t.maxReward,
    claimBond: t.claimBond,
    deadline: t.deadline,
    claimant: t.claimant,
    attempt: t.attempt,
  };

describe("the SDK against one indexer of two chains (l1 31337 and op 31338)", function () {
  this.timeout(600_000);
  let stack: ChainsStack;
  let indexer: StackIndexer;

  /** An agent on `chain`: through the two-chain indexer, or (`viaIndexer: false`) straight from the node. */
  const reader = (chain: LocalChainType, viaIndexer = true): Agent =>
    createAgent({
      rpcUrl: stack.nodes[chain].url,
      deployment: stack.deployments[chain],
      ...(viaIndexer ? { indexerUrl: indexer.url } : {}),
      pollingInterval: 100,
    });
  const taskCount = (chain: LocalChainType) =>
    createPublicClient({ transport: http(stack.nodes[chain].url) }).readContract({
      address: stack.deployments[chain].contracts.TaskBoard!,
      abi: abis.TaskBoard,
      functionName: "taskCount",
    });
  const caughtUp = () => Promise.all(CHAINS.map((c) => waitForIndexer(indexer.url, stack.nodes[c].url)));

  before(async () => {
    stack = await startChainsStack();
    await Promise.all([
      runWorkload({ rpcUrl: stack.nodes.l1.url, deployment: stack.deployments.l1, seed: 29, rounds: 14 }),
      runWorkload({ rpcUrl: stack.nodes.op.url, deployment: stack.deployments.op, seed: 92, rounds: 18 }),
    ]);
    // At least three tasks on l1; the op chain holds a task id the l1 chain does not have yet.
    const postOnL1 = taskPoster(stack.nodes.l1.url, stack.deployments.l1.contracts.TaskBoard!, 13);
    while ((await taskCount("l1")) < 3n) await postOnL1({ specURI: "ipfs://l1-more" });
    const postOnOp = taskPoster(stack.nodes.op.url, stack.deployments.op.contracts.TaskBoard!, 13);
    while ((await taskCount("op")) <= (await taskCount("l1")) + 1n) await postOnOp({ specURI: "ipfs://op-only" });
    indexer = await stack.indexer();
    await caughtUp();
  });
  after(async () => {
    await stack?.stop();
  });

  describe("an agent made for one chain", () => {
    it("reads its own chain's task n, not the other chain's: every task as the chain answers it", async () => {
      for (const chain of CHAINS) {
        const viaIndexer = reader(chain);
        const fromNode = reader(chain, false);
        const count = await taskCount(chain);
        for (let id = 1n; id <= count; id++) {
          const indexed = await viaIndexer.tasks.get(id);
          expect(indexed!.chainId, `task ${id} on ${chain}`).to.equal(stack.deployments[chain].chainId);
          expect(onChainFields(indexed), `task ${id} on ${chain}`).to.deep.equal(
            onChainFields(await fromNode.tasks.get(id)),
          );
        }
        expect(await viaIndexer.tasks.get(count + 1n), "one past the chain's last task").to.equal(null);
        if (chain === "l1") {
          const onOp = await reader("op").tasks.get(count + 1n);
          expect([onOp?.chainId, onOp?.id], "that id exists on the op chain").to.deep.equal([OP, count + 1n]);
        }
        const open = (await viaIndexer.tasks.list({ status: "open", limit: 500 })).map(onChainFields);
        expect(open).to.deep.equal((await fromNode.tasks.list({ status: "open", limit: 500 })).map(onChainFields));
      }
      // The same ids are different tasks on the two chains: the comparison above could tell them apart.
      const [l1, op] = [reader("l1"), reader("op")];
      const differ: bigint[] = [];
      for (let id = 1n; id <= 3n; id++) {
        const [a, b] = await Promise.all([l1.tasks.get(id), op.tasks.get(id)]);
        const { chainId: _a, ...left } = onChainFields(a)!;
        const { chainId: _b, ...right } = onChainFields(b)!;
        const text = (o: object) => JSON.stringify(o, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
        if (text(left) !== text(right)) differ.push(id);
      }
      expect(differ, "tasks 1 to 3 differ between the chains").to.not.deep.equal([]);
    });

    it("reads its own chain's history, agents, inboxes, groups, leader, members, terms and schedules", async () => {
      for (const chain of CHAINS) {
        const chainId = stack.deployments[chain].chainId;
        const viaIndexer = reader(chain);
        const fromNode = reader(chain, false);
        const kinds = ["TaskPosted", "TaskClaimed", "TaskSubmitted", "TaskAccepted", "TaskRejected", "TaskCancelled"];
        const history = async (agent: Agent, id: bigint) =>
          (await agent.tasks.history(id))
            .filter((e) => kinds.includes(e.kind))
            .map((e) => ({ chainId: e.chainId, kind: e.kind, block: e.blockNumber, logIndex: e.logIndex }));
        for (let id = 1n; id <= 3n; id++) {
          expect(await history(viaIndexer, id), `history of task ${id} on ${chain}`).to.deep.equal(
            await history(fromNode, id),
          );
        }
        const agentFields = (a: Awaited<ReturnType<Agent["identity"]["get"]>>) =>
          a && {
            chainId: a.chainId,
            id: a.id,
            owner: a.owner.toLowerCase(),
            uri: a.uri,
            capabilities: [...a.capabilities].sort(),
          };
        for (let id = 1n; id <= 10n; id++) {
          const [indexed, onNode] = await Promise.all([viaIndexer.identity.get(id), fromNode.identity.get(id)]);
          expect(agentFields(indexed), `agent ${id} on ${chain}`).to.deep.equal(agentFields(onNode));
          const inbox = async (agent: Agent) =>
            (await agent.messages.inbox({ agentId: id })).map((m) => ({
              c: m.chainId,
              seq: m.seq,
              from: m.fromAgentId,
              payload: m.payload,
            }));
          expect(await inbox(viaIndexer), `inbox of agent ${id} on ${chain}`).to.deep.equal(await inbox(fromNode));
        }
        expect((await viaIndexer.identity.list({ limit: 500 })).every((a) => a.chainId === chainId)).to.equal(true);
        const leadership = (l: Awaited<ReturnType<Agent["election"]["leader"]>>) => ({
          c: l.chainId,
          leader: l.leader,
          term: l.term,
        });
        expect(leadership(await viaIndexer.election.leader(1n))).to.deep.equal(
          leadership(await fromNode.election.leader(1n)),
        );
        const members = async (agent: Agent) =>
          (await agent.election.members(1n)).map((m) => [m.chainId, m.agentId, m.weight, [...m.capabilities].sort()]);
        expect(await members(viaIndexer), `members of group 1 on ${chain}`).to.deep.equal(await members(fromNode));
        const terms = async (agent: Agent) =>
          (await agent.election.terms(1n)).map((t) => [t.chainId, t.term, t.agentId, t.heartbeats]);
        expect(await terms(viaIndexer), `terms of group 1 on ${chain}`).to.deep.equal(await terms(fromNode));
        const schedules = async (agent: Agent) =>
          (await agent.schedules.list({ limit: 50 })).map((s) => [
            s.chainId,
            s.id,
            s.count,
            s.spawned,
            s.cancelled,
            s.terms,
          ]);
        expect(await schedules(viaIndexer), `schedules on ${chain}`).to.deep.equal(await schedules(fromNode));
      }
    });

    it("watches its chain: a task, its open tasks and a group's leader arrive as its chain holds them", async () => {
      for (const chain of CHAINS) {
        const viaIndexer = reader(chain);
        const fromNode = reader(chain, false);
        const first = <T>(subscribe: (deliver: (value: T) => void) => () => void) =>
          new Promise<T>((resolve) => {
            const stop = subscribe((value) => {
              stop();
              resolve(value);
            });
          });
        const watched = await first<Task>((deliver) => viaIndexer.tasks.watch(1n, deliver));
        expect(onChainFields(watched)).to.deep.equal(onChainFields(await fromNode.tasks.get(1n)));
        const open = await first<Task[]>((deliver) => viaIndexer.tasks.watchOpen({}, deliver));
        expect(open.map(onChainFields)).to.deep.equal(
          (await fromNode.tasks.list({ status: "open", limit: 100 })).map(onChainFields),
        );
        const leader = await first<{ chainId: number; leader: bigint }>((deliver) =>
          viaIndexer.election.onLeaderChange(1n, deliver),
        );
        const onNode = await fromNode.election.leader(1n);
        expect([leader.chainId, leader.leader]).to.deep.equal([onNode.chainId, onNode.leader]);
      }
    });
  });

  describe("createAgents: one agent per chain, one indexer", () => {
    const worker = mnemonicToAccount(MNEMONIC, { addressIndex: 15 });
    const poster = mnemonicToAccount(MNEMONIC, { addressIndex: 16 });
    const rival = mnemonicToAccount(MNEMONIC, { addressIndex: 17 });
    /** Posts the tasks claimNext chooses among (no other poster's task is a candidate). */
    const payer = mnemonicToAccount(MNEMONIC, { addressIndex: 18 });
    /** One agent of `account` per chain; `chains` describes some of them (a native currency, say). */
    const group = (account: typeof worker, chains: Partial<Record<LocalChainType, Chain>> = {}): Agents =>
      createAgents({
        indexerUrl: indexer.url,
        agents: CHAINS.map((chain) => ({
          rpcUrl: stack.nodes[chain].url,
          account,
          deployment: stack.deployments[chain],
          pollingInterval: 100,
          ...(chains[chain] ? { chain: chains[chain] } : {}),
        })),
      });
    /** Posts a flat ETH task open to any agent, from `from` (default `poster`) on `chain`. */
    const post = async (chain: LocalChainType, reward: bigint, specURI: string, from = poster) =>
      group(from).on(stack.deployments[chain].chainId).tasks.post({ specURI, maxReward: reward });

    it("refuses two agents on one chain, and chain ids it holds no agent for, with typed errors", async () => {
      const l1 = { rpcUrl: stack.nodes.l1.url, deployment: stack.deployments.l1 };
      const twice = () => createAgents({ indexerUrl: indexer.url, agents: [l1, { ...l1 }] });
      expect(twice).to.throw(DuplicateChainError, `agents[0] and agents[1] are both on chain ${L1}`);
      expect(() => createAgents({ indexerUrl: indexer.url, agents: [] })).to.throw(InvalidInputError, "agents");
      const agents = group(worker);
      expect(agents.chainIds).to.deep.equal([L1, OP]);
      expect(agents.on(OP).deployment.chainId).to.equal(OP);
      expect(agents.on(L1).indexer, "one indexer client for all").to.equal(agents.on(OP).indexer);
      const unknown = (() => {
        try {
          agents.on(1);
        } catch (error) {
          return error;
        }
      })();
      expect(unknown).to.be.instanceOf(UnknownChainError);
      expect((unknown as UnknownChainError).shortMessage).to.equal(
        `This client has no agent on chain 1; it holds agents on chain ${L1}, ${OP}.`,
      );
      expect((unknown as UnknownChainError).code).to.equal("UNKNOWN_CHAIN");
      let rejected: unknown;
      await agents.tasks.list({ chainId: 1 }).catch((error: unknown) => (rejected = error));
      expect(rejected).to.be.instanceOf(UnknownChainError);
      expect(() => agents.tasks.watchOpen({ chainId: 1 }, () => {})).to.throw(UnknownChainError);
      rejected = undefined;
      await agents.tasks.claimNext({ chainId: 1 }).catch((error: unknown) => (rejected = error));
      expect(rejected).to.be.instanceOf(UnknownChainError);
    });

    it("lists and watches both chains' open tasks in one live query, each task once, carrying its chain", async () => {
      const agents = group(worker);
      const all = await agents.tasks.list({ status: "open", limit: 500 });
      const each = await Promise.all(CHAINS.map((c) => reader(c).tasks.list({ status: "open", limit: 500 })));
      const key = (t: Task) => `${t.chainId}/${t.id}`;
      expect(all.map(key).sort()).to.deep.equal(each.flat().map(key).sort());
      expect((await agents.tasks.list({ status: "open", chainId: OP, limit: 500 })).map(key)).to.deep.equal(
        each[1]!.map(key),
      );

      // Count the live queries the merged watcher opens on the shared client.
      let liveQueries = 0;
      const live = agents.indexer.live;
      agents.indexer.live = (...args) => {
        liveQueries++;
        return live(...args);
      };
      const seen: Task[][] = [];
      const stop = agents.tasks.watchOpen({ poster: poster.address, limit: 500 }, (tasks) => seen.push(tasks));
      try {
        expect(liveQueries, "one live query for both chains").to.equal(1);
        const [onL1, onOp] = [await post("l1", 1n, "ipfs://merged-l1"), await post("op", 1n, "ipfs://merged-op")];
        const wanted = [`${L1}/${onL1.taskId}`, `${OP}/${onOp.taskId}`];
        for (let i = 0; i < 200 && !wanted.every((k) => seen.at(-1)?.some((t) => key(t) === k)); i++) await sleep(50);
        const latest = seen.at(-1)!.map(key);
        expect(latest).to.include.members(wanted);
        expect(new Set(latest).size, "each task once").to.equal(latest.length);
        expect(seen.at(-1)!.find((t) => key(t) === wanted[1])!.specURI).to.equal("ipfs://merged-op");
      } finally {
        stop();
        agents.indexer.live = live;
      }
    });

    it(
      "claimNext claims, across chains, the task paying best net of its measured fee, " +
        "and its fee figures are the receipts'",
      async () => {
        const agents = group(worker);
        for (const chainId of agents.chainIds) await agents.on(chainId).identity.register({ uri: "ipfs://worker" });
        // Submits to measure on both chains: a rival claims and submits one task on each.
        const rivals = group(rival);
        for (const chainId of rivals.chainIds) {
          const agent = rivals.on(chainId);
          await agent.identity.register({ uri: "ipfs://rival" });
          const chain = chainId === L1 ? "l1" : "op";
          for (let i = 0; i < 3; i++) {
            const { taskId } = await post(chain, 1n, `ipfs://warm-up-${i}`);
            const claim = await agent.tasks.claim(taskId);
            await agent.tasks.submit(taskId, claim.attempt, `ipfs://result-of-warm-up-${i}`);
          }
        }
        // Gas on the op chain costs 100 gwei for a while: its task pays more, but less net of the fee.
        const opClient = createPublicClient({ transport: http(stack.nodes.op.url) });
        await rpc(stack.nodes.op.url, "hardhat_setNextBlockBaseFeePerGas", [`0x${parseGwei("100").toString(16)}`]);
        await rpc(stack.nodes.op.url, "evm_mine"); // wallets price their fees on the latest block
        const onL1 = await post("l1", parseEther("0.004"), "ipfs://pays-less", payer);
        const onOp = await post("op", parseEther("0.005"), "ipfs://pays-more", payer);
        await caughtUp();
        const mine = { poster: payer.address } as const;
        const opFee = await agents.on(OP).tasks.estimateFee((await agents.on(OP).tasks.get(onOp.taskId))!);
        const l1Fee = await agents.on(L1).tasks.estimateFee((await agents.on(L1).tasks.get(onL1.taskId))!);
        expect(opFee.opStack && !l1Fee.opStack, "the op chain is an OP stack, the l1 chain is not").to.equal(true);
        const [netOnOp, netOnL1] = [parseEther("0.005") - opFee.total, parseEther("0.004") - l1Fee.total];
        expect(netOnOp < netOnL1, `net on op ${netOnOp} below net on l1 ${netOnL1}`).to.equal(true);

        const claim = (await agents.tasks.claimNext(mine))!;
        expect([claim.chainId, claim.taskId]).to.deep.equal([L1, onL1.taskId]);
        expect(claim.agent).to.equal(agents.on(L1));
        expect(claim.value).to.equal(parseEther("0.004"));
        expect(claim.net).to.equal(claim.value! - claim.fee!.total);
        // The figures it chose by are what the chain measures.
        const fee = claim.fee!;
        expect(fee.claim.measuredBy).to.equal("estimate");
        const used = claim.receipt.gasUsed;
        expect(fee.claim.gas >= used, `estimated claim gas ${fee.claim.gas} ≥ the receipt's ${used}`).to.equal(true);
        expect(
          fee.claim.gas - used <= used / 20n,
          `estimated claim gas ${fee.claim.gas} within 5 % of ${used}`,
        ).to.equal(true);
        const submits = await latestSubmits(stack.nodes.l1.url, stack.deployments.l1.contracts.TaskBoard!);
        expect([fee.submit!.measuredBy, fee.submit!.samples]).to.deep.equal(["receipts", submits.length]);
        expect(fee.submit!.gas, "the median gasUsed of the chain's latest submits").to.equal(
          submits[(submits.length - 1) >> 1],
        );
        expect([fee.claim.l1Fee, fee.submit!.l1Fee], "no L1 data fee off an OP stack").to.deep.equal([0n, 0n]);
        expect(fee.total).to.equal((fee.claim.gas + fee.submit!.gas) * fee.gasPrice);

        // On the op chain (the only task left of this poster's): the L1 data fee, as its receipt charges it.
        const onOpClaim = (await agents.tasks.claimNext(mine))!;
        expect([onOpClaim.chainId, onOpClaim.taskId]).to.deep.equal([OP, onOp.taskId]);
        expect(onOpClaim.net! < 0n, "a loss at 100 gwei, still claimed: no minNet").to.equal(true);
        const receipt = (await opClient.getTransactionReceipt({ hash: onOpClaim.hash })) as {
          l1Fee?: bigint | null;
          gasUsed: bigint;
        };
        const l1FeeCharged = BigInt(receipt.l1Fee ?? 0n);
        expect(l1FeeCharged > 0n, "the op chain charges an L1 data fee").to.equal(true);
        const measured = onOpClaim.fee!.claim.l1Fee;
        const gap = measured > l1FeeCharged ? measured - l1FeeCharged : l1FeeCharged - measured;
        expect(gap <= l1FeeCharged / 10n, `getL1Fee ${measured} within 10 % of the receipt's ${l1FeeCharged}`).to.equal(
          true,
        );
        expect(onOpClaim.fee!.submit!.l1Fee > 0n, "the submit's L1 data fee").to.equal(true);
        // An ERC-20 bond not yet approved on the op chain: the approval the claim sends first pays an
        // L1 data fee too, counted as its receipt charges it.
        const bond = parseEther("0.01");
        const token = stack.deployments.op.contracts.StakeToken!;
        const payerOnOp = group(payer).on(OP);
        await payerOnOp.staking.faucet(parseEther("1"));
        const bonded = await payerOnOp.tasks.post({
          specURI: "ipfs://bonded-on-op",
          maxReward: parseEther("0.02"),
          rewardToken: token,
          claimBond: bond,
        });
        await caughtUp();
        const workerOnOp = agents.on(OP);
        const unapproved = await workerOnOp.tasks.estimateFee((await workerOnOp.tasks.get(bonded.taskId))!);
        const approval = unapproved.approval!;
        const { gasPrice, claim: claimFee, submit: submitFee } = unapproved;
        expect(unapproved.total).to.equal(feeTotal(gasPrice, claimFee, submitFee, approval));
        const wallet = workerOnOp.walletClient!;
        const approveHash = await wallet.writeContract({
          address: token,
          abi: erc20Abi,
          functionName: "approve",
          args: [stack.deployments.op.contracts.TaskBoard!, bond],
          account: wallet.account,
          chain: wallet.chain,
        });
        await opClient.waitForTransactionReceipt({ hash: approveHash });
        const approveReceipt = (await opClient.getTransactionReceipt({ hash: approveHash })) as {
          l1Fee?: bigint | null;
        };
        const approveCharged = BigInt(approveReceipt.l1Fee ?? 0n);
        expect(approveCharged > 0n, "the approval's receipt charges an L1 data fee").to.equal(true);
        const approveGap =
          approval.l1Fee > approveCharged ? approval.l1Fee - approveCharged : approveCharged - approval.l1Fee;
        expect(
          approveGap <= approveCharged / 10n,
          `approval getL1Fee ${approval.l1Fee} within 10 % of the receipt's ${approveCharged}`,
        ).to.equal(true);
        await payerOnOp.tasks.cancel(bonded.taskId);
        // With minNet, a task paying less than its fee is left alone.
        const third = await post("op", 1n, "ipfs://not-worth-it", payer);
        await caughtUp();
        expect(
          await agents.tasks.claimNext({ ...mine, minNet: 0n }),
          `task ${third.taskId} costs more than it pays`,
        ).to.equal(undefined);
      },
    );

    it("claimNext over chains of different native currencies compares them in nativeValue's unit", async () => {
      // The op chain described as a chain whose native currency is POL: its fees are not wei of ETH.
      const pol = defineChain({
        id: OP,
        name: "op, paying in POL",
        nativeCurrency: { name: "Pol", symbol: "POL", decimals: 18 },
        rpcUrls: { default: { http: [stack.nodes.op.url] } },
      });
      expect(() => createAgent({ rpcUrl: stack.nodes.l1.url, deployment: stack.deployments.l1, chain: pol })).to.throw(
        InvalidInputError,
        `is chain ${OP} but the deployment is for chain ${L1}`,
      );
      const account = mnemonicToAccount(MNEMONIC, { addressIndex: 19 });
      const agents = group(account, { op: pol });
      for (const chainId of agents.chainIds) await agents.on(chainId).identity.register({ uri: "ipfs://mixed" });
      const onL1 = await post("l1", parseEther("0.001"), "ipfs://in-eth", rival);
      const onOp = await post("op", parseEther("0.005"), "ipfs://in-pol", rival);
      await caughtUp();
      const mine = { poster: rival.address } as const;
      let refused: unknown;
      await agents.tasks.claimNext(mine).catch((error: unknown) => (refused = error));
      expect(refused).to.be.instanceOf(MissingConfigError);
      expect((refused as Error).message).to.include(`${L1} (ETH), ${OP} (POL)`);
      // Told that POL is worth nothing here: the op task's reward and its fee both count 0.
      const nativeValue = (chainId: number, amount: bigint) => (chainId === OP ? 0n : amount);
      const first = (await agents.tasks.claimNext({ ...mine, nativeValue }))!;
      expect([first.chainId, first.taskId]).to.deep.equal([L1, onL1.taskId]);
      expect(first.net).to.equal(parseEther("0.001") - first.fee!.total);
      const second = (await agents.tasks.claimNext({ ...mine, nativeValue }))!;
      expect([second.chainId, second.taskId]).to.deep.equal([OP, onOp.taskId]);
      expect([second.value, second.net], "value and fee both converted").to.deep.equal([0n, 0n]);
      expect(second.fee!.total > 0n, "the fee itself stays in the chain's own wei").to.equal(true);
    });
  });
});

/** The gasUsed of the chain's latest 8 transactions calling TaskBoard.submit directly, ascending. */
async function latestSubmits(rpcUrl: string, taskBoard: Address): Promise<bigint[]> {
  const client = createPublicClient({ transport: http(rpcUrl) });
  const logs = await client.getContractEvents({
    address: taskBoard,
    abi: abis.TaskBoard,
    eventName: "TaskSubmitted",
    fromBlock: 0n,
  });
  const gas: bigint[] = [];
  for (const hash of new Set(logs.slice(-8).map((l) => l.transactionHash))) {
    const [tx, receipt] = await Promise.all([client.getTransaction({ hash }), client.getTransactionReceipt({ hash })]);
    if (tx.to?.toLowerCase() !== taskBoard.toLowerCase() || receipt.status !== "success") continue;
    if (decodeFunctionData({ abi: abis.TaskBoard, data: tx.input }).functionName !== "submit") continue;
    gas.push(receipt.gasUsed);
  }
  return gas.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
