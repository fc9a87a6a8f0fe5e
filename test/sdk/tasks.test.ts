import { readFileSync } from "node:fs";
import { expect } from "chai";
import { type Abi, erc20Abi, type Hex, parseEther } from "viem";
import { rpc } from "../../scripts/lib/tasks.ts";
import {
  type Agent,
  acceptTask,
  type Claim,
  claimNextTaskOnChains,
  claimTask,
  feeTotal,
  getTask,
  InvalidInputError,
  MissingConfigError,
  postTask,
  submitTask,
  type Task,
  TaskNotOpenError,
  TokenRefusedError,
} from "../../sdk/src/index.ts";
import { advance, agentFor, eventually, sdkStack } from "./helpers/stack.ts";

describe("sdk: tasks", () => {
  let poster: Agent;
  let w1: Agent;
  let w2: Agent;

  before(async function () {
    this.timeout(300_000);
    await sdkStack();
    [poster, w1, w2] = await Promise.all([agentFor(3), agentFor(4), agentFor(5)]);
    await poster.identity.register({ uri: "ipfs://poster" });
    await w1.identity.register({ uri: "ipfs://w1", capabilities: ["summarize"] });
    await w2.identity.register({ uri: "ipfs://w2", capabilities: ["summarize", "translate"] });
  });

  it("posts, claims, renews, submits and accepts; the reward is credited to the claimant", async () => {
    const { taskId } = await poster.tasks.post({
      specURI: "ipfs://spec-1",
      maxReward: parseEther("0.01"),
      capability: "summarize",
    });
    const claim = await w1.tasks.claim(taskId);
    expect(claim.attempt).to.equal(1);
    expect(claim.lockedReward).to.equal(parseEther("0.01"));
    const renewed = await w1.tasks.renewLease(taskId, claim.attempt);
    expect(renewed.leaseExpiry >= claim.leaseExpiry).to.equal(true);
    await w1.tasks.submit(taskId, claim.attempt, "ipfs://result-1");
    const before = await w1.tasks.creditOf(w1.address!);
    await poster.tasks.accept(taskId);
    expect((await w1.tasks.creditOf(w1.address!)) - before).to.equal(parseEther("0.01"));
    const task = await eventually(async () => {
      const t = await poster.tasks.get(taskId);
      return t?.status === "accepted" ? t : undefined;
    }, "the indexer to show the task accepted");
    expect(task.claimant).to.equal(w1.agentId);
    expect(task.resultURI).to.equal("ipfs://result-1");
  });

  it(
    "a task's fee is claim + submit gas at the gas price plus both L1 data fees; " +
      "a submit not yet measured costs the claim's again, so such a chain never looks cheaper",
    () => {
      const claim = { gas: 41_767n, l1Fee: 1_000n };
      expect(feeTotal(2n, claim, { gas: 40_850n, l1Fee: 1_500n })).to.equal((41_767n + 40_850n) * 2n + 2_500n);
      expect(feeTotal(2n, claim, null)).to.equal(2n * (41_767n * 2n + 1_000n));
    },
  );

  it(
    "an ERC-20 bond not yet approved: the fee counts the approval the claim sends first (estimated) and the " +
      "claim by the chain's claim receipts; once approved, the claim itself is estimated and no approval is counted",
    async () => {
      const token = poster.deployment.contracts.StakeToken!;
      const claimBond = parseEther("0.1");
      await Promise.all([poster.staking.faucet(parseEther("1")), w2.staking.faucet(parseEther("1"))]);
      const { taskId } = await poster.tasks.post({
        specURI: "ipfs://erc20-bonded",
        maxReward: parseEther("0.5"),
        rewardToken: token,
        claimBond,
      });
      // An earlier test's claim is the receipt the unapproved claim is measured by.
      await eventually(async () => (await poster.tasks.get(taskId)) ?? undefined, "the task indexed");
      const task = { id: taskId, rewardToken: token, claimBond };
      const unapproved = await w2.tasks.estimateFee(task);
      expect(unapproved.approval?.measuredBy).to.equal("estimate");
      expect(unapproved.approval!.gas > 21_000n).to.equal(true);
      expect(unapproved.claim.measuredBy).to.equal("receipts");
      const { gasPrice, claim, submit, approval } = unapproved;
      expect(unapproved.total).to.equal(feeTotal(gasPrice, claim, submit, approval));
      expect(unapproved.total - feeTotal(gasPrice, claim, submit)).to.equal(approval!.gas * gasPrice);

      const wallet = w2.walletClient!;
      const board = w2.deployment.contracts.TaskBoard!;
      const hash = await wallet.writeContract({
        address: token,
        abi: erc20Abi,
        functionName: "approve",
        args: [board, claimBond],
        account: wallet.account,
        chain: wallet.chain,
      });
      await w2.publicClient.waitForTransactionReceipt({ hash });
      const approved = await w2.tasks.estimateFee(task);
      expect(approved.approval).to.equal(null);
      expect([approved.claim.measuredBy, approved.claim.samples]).to.deep.equal(["estimate", 1]);
      expect(approved.total).to.equal(feeTotal(approved.gasPrice, approved.claim, approved.submit));
      expect((await w2.tasks.claim(taskId)).taskId).to.equal(taskId);
    },
  );

  it("a claim on a taken task throws TaskNotOpenError saying who holds it", async () => {
    const { taskId } = await poster.tasks.post({ specURI: "ipfs://spec-2", maxReward: 1000n });
    await w1.tasks.claim(taskId);
    const error = await w2.tasks.claim(taskId).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(TaskNotOpenError);
    const typed = error as TaskNotOpenError;
    expect(typed.code).to.equal("TASK_NOT_OPEN");
    expect(typed.shortMessage).to.equal(`task ${taskId} was already claimed by agent ${w1.agentId} (attempt 1)`);
    expect(typed.args.claimant).to.equal(w1.agentId);
  });

  it("a race lost on chain (mined, reverted) is replayed, throwing the same typed error with its receipt", async () => {
    const { taskId } = await poster.tasks.post({ specURI: "ipfs://raced", maxReward: 1000n });
    await w1.tasks.claim(taskId);
    // An explicit gas limit skips estimation, so the losing claim is mined and reverts. (With
    // automining Hardhat reports such a revert at once; a mining interval is what real chains do.)
    const { node } = await sdkStack();
    await rpc(node.url, "evm_setAutomine", [false]);
    await rpc(node.url, "evm_setIntervalMining", [300]);
    const error = await w2.tasks
      .claim(taskId, { gas: 300_000n })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
      .finally(async () => {
        await rpc(node.url, "evm_setIntervalMining", [0]);
        await rpc(node.url, "evm_setAutomine", [true]);
      });
    expect(error).to.be.instanceOf(TaskNotOpenError);
    const { receipt } = error as TaskNotOpenError & { receipt: { status: string; gasUsed: bigint } };
    expect(receipt.status).to.equal("reverted");
    expect(receipt.gasUsed > 21_000n).to.equal(true);
  });

  it("claimNext gives two concurrent agents different tasks and resolves undefined when none is left", async () => {
    // Drain what earlier tests left open, then post exactly four.
    const posted: bigint[] = [];
    for (let i = 0; i < 4; i++)
      posted.push(
        (await poster.tasks.post({ specURI: `ipfs://spread-${i}`, maxReward: 10n, capability: "summarize" })).taskId,
      );
    await eventually(
      async () =>
        (await w1.tasks.list({ status: "open" })).filter((t) => posted.includes(t.id)).length === 4 ? true : undefined,
      "the indexer to list the posted tasks",
    );
    const claims: (Claim | undefined)[] = [];
    for (let round = 0; round < 2; round++) {
      const [a, b] = await Promise.all([
        w1.tasks.claimNext({ poster: poster.address! }),
        w2.tasks.claimNext({ poster: poster.address! }),
      ]);
      claims.push(a, b);
    }
    const ids = claims.map((c) => c?.taskId);
    expect(ids.every((id) => id !== undefined)).to.equal(true);
    expect(new Set(ids).size).to.equal(4, "no task was claimed twice");
    expect(await w1.tasks.claimNext({ poster: poster.address! })).to.equal(undefined);
  });

  it("claimNext skips tasks the agent can't take yet (low stake, not yet claimable) instead of failing", async () => {
    const picky = await poster.tasks.post({
      specURI: "ipfs://needs-stake",
      maxReward: 10n,
      capability: "summarize",
      minStake: 10n ** 24n,
    });
    const later = await poster.tasks.post({
      specURI: "ipfs://later",
      maxReward: 10n,
      capability: "summarize",
      notBefore: (await poster.publicClient.getBlock()).timestamp + 3_600n,
    });
    const fine = await poster.tasks.post({ specURI: "ipfs://fine", maxReward: 10n, capability: "summarize" });
    await eventually(
      async () => ((await w1.tasks.get(fine.taskId))?.status === "open" ? true : undefined),
      "the tasks indexed",
    );
    const claim = await w1.tasks.claimNext({ poster: poster.address! });
    expect(claim?.taskId).to.equal(fine.taskId);
    expect(await w1.tasks.claimNext({ poster: poster.address! })).to.equal(undefined);
    for (const id of [picky.taskId, later.taskId]) await poster.tasks.cancel(id);
  });

  it("claimNext retakes a reopened (rejected) task, but not while the indexer still lists its old claim", async () => {
    const { taskId } = await poster.tasks.post({ specURI: "ipfs://redo", maxReward: 10n, capability: "translate" });
    await eventually(
      async () => ((await w2.tasks.get(taskId))?.status === "open" ? true : undefined),
      "the task indexed",
    );
    const first = await w2.tasks.claimNext({ capabilities: ["translate"], poster: poster.address! });
    expect(first?.taskId).to.equal(taskId);
    await w2.tasks.submit(taskId, first!.attempt, "ipfs://draft");
    await poster.tasks.reject(taskId, "ipfs://redo-it");
    // Until the indexer has seen the claim, it lists the task open at its old attempt: skipped.
    const listed = await w2.tasks.get(taskId);
    if (listed?.status === "open" && listed.attempt < first!.attempt)
      expect(await w2.tasks.claimNext({ capabilities: ["translate"], poster: poster.address! })).to.equal(undefined);
    await eventually(async () => {
      const t = await w2.tasks.get(taskId);
      return t?.status === "open" && t.attempt === first!.attempt ? true : undefined;
    }, "the reopened task indexed");
    const second = await w2.tasks.claimNext({ capabilities: ["translate"], poster: poster.address! });
    expect(second?.taskId).to.equal(taskId);
    expect(second?.attempt).to.equal(first!.attempt + 1);
  });

  it(
    "claimNext passes over hostile terms (a short lease, a slash above the minimum stake, a bond above the reward) " +
      "and the poster's own tasks",
    async () => {
      const short = await poster.tasks.post({
        specURI: "ipfs://short-lease",
        maxReward: 10n,
        capability: "summarize",
        leaseDuration: 30,
      });
      const slashing = await poster.tasks.post({
        specURI: "ipfs://slash-unasked",
        maxReward: 10n,
        capability: "summarize",
        abandonSlash: 1n,
      });
      const bonded = await poster.tasks.post({
        specURI: "ipfs://bond-above-reward",
        maxReward: 10n,
        capability: "summarize",
        claimBond: 11n,
      });
      const fine = await poster.tasks.post({
        specURI: "ipfs://fair",
        maxReward: 10n,
        capability: "summarize",
        claimBond: 10n,
      });
      await eventually(
        async () => ((await w1.tasks.get(fine.taskId))?.status === "open" ? true : undefined),
        "the tasks indexed",
      );
      const hostile = new Map<bigint, string>();
      const claim = await w1.tasks.claimNext({
        poster: poster.address!,
        onHostileTerms: (id, reason) => hostile.set(id, reason),
      });
      expect(claim?.taskId).to.equal(fine.taskId);
      expect([...hostile.keys()].sort((x, y) => (x < y ? -1 : 1))).to.deep.equal([
        short.taskId,
        slashing.taskId,
        bonded.taskId,
      ]);
      expect(hostile.get(short.taskId)).to.match(/lease of 30 s is too short/);
      expect(hostile.get(slashing.taskId)).to.match(/slash 1 of stake, more than the task's minimum stake \(0\)/);
      expect(hostile.get(bonded.taskId)).to.match(/bond of 11 is more than 1 × the reward \(10\)/);
      expect(await w1.tasks.claimNext({ poster: poster.address! })).to.equal(undefined);
      // The agent's own limits decide: a shorter lease is fine for an agent that says so.
      const taken = await w1.tasks.claimNext({ poster: poster.address!, terms: { minLeaseSeconds: 30 } });
      expect(taken?.taskId).to.equal(short.taskId);
      // The poster's own tasks are never tried (TaskBoard would refuse the poster's own agent).
      const own = await poster.tasks.post({ specURI: "ipfs://own", maxReward: 10n });
      await eventually(
        async () => ((await poster.tasks.get(own.taskId))?.status === "open" ? true : undefined),
        "the own task indexed",
      );
      expect(await poster.tasks.claimNext({ poster: poster.address!, terms: false })).to.equal(undefined);
      for (const id of [slashing.taskId, bonded.taskId, own.taskId]) await poster.tasks.cancel(id);
    },
  );

  it(
    "attacker: a poster's ERC-20 that refuses claimants (approve, or the bond's transferFrom) blocks nobody — " +
      "claimNext, alone or across chains, skips its tasks with TokenRefusedError, once per token, and takes the others",
    async () => {
      const artifact = JSON.parse(
        readFileSync("artifacts/contracts/mocks/RefusingTokenMock.sol/RefusingTokenMock.json", "utf8"),
      ) as { abi: Abi; bytecode: Hex };
      const wallet = poster.walletClient!;
      const deployed = await wallet.deployContract({ ...artifact, account: wallet.account, chain: wallet.chain });
      const { contractAddress: token } = await poster.publicClient.waitForTransactionReceipt({ hash: deployed });
      const mock = { address: token!, abi: artifact.abi } as const;
      const call = async (functionName: string, args: unknown[]) =>
        poster.publicClient.waitForTransactionReceipt({
          hash: await wallet.writeContract({
            ...mock,
            functionName,
            args,
            account: wallet.account,
            chain: wallet.chain,
          }),
        });
      await call("mint", [poster.address, 1_000n]);
      const terms = { maxReward: 10n, claimBond: 5n, rewardToken: token!, capability: "summarize" } as const;
      // More tasks in the token than claimNext has attempts (8): refusals must not use them up.
      const refusing: bigint[] = [];
      for (let i = 0; i < 9; i++)
        refusing.push((await poster.tasks.post({ specURI: `ipfs://nope-${i}`, ...terms })).taskId);
      const fair = await poster.tasks.post({ specURI: "ipfs://fair-eth", maxReward: 10n, capability: "summarize" });
      await eventually(
        async () => ((await w1.tasks.get(fair.taskId))?.status === "open" ? true : undefined),
        "the tasks indexed",
      );
      const settle = async (agent: Agent, claim: { taskId: bigint; attempt: number }) => {
        await agent.tasks.submit(claim.taskId, claim.attempt, "ipfs://done");
        await poster.tasks.accept(claim.taskId);
      };
      try {
        // The poster arms its token: nobody else's approve goes through.
        await call("arm", [true, false]);
        const fee = await w1.tasks
          .estimateFee({ id: refusing[0]!, rewardToken: token!, claimBond: 5n })
          .catch((e: unknown) => e);
        expect(fee).to.be.instanceOf(TokenRefusedError);
        expect((fee as TokenRefusedError).operation).to.equal("approve");
        expect((fee as TokenRefusedError).shortMessage).to.match(/refused approve/);

        const refused: [bigint, string][] = [];
        const onTokenRefused = (id: bigint, e: TokenRefusedError) => refused.push([id, e.operation]);
        const chainErrors: unknown[] = [];
        const onChains = await claimNextTaskOnChains(
          { agents: [w1], indexer: w1.indexer! },
          { poster: poster.address!, onTokenRefused, onChainError: (_id, e) => chainErrors.push(e) },
        );
        expect(chainErrors).to.deep.equal([]);
        expect(onChains?.taskId).to.equal(fair.taskId);
        // One refusal, then the token's other tasks are passed over (no attempt, no report).
        expect(refused).to.have.length(1);
        expect(refusing).to.include(refused[0]![0]);
        expect(refused[0]![1]).to.equal("approve");
        refused.length = 0;
        expect(await w1.tasks.claimNext({ poster: poster.address!, onTokenRefused })).to.equal(undefined);
        expect(refused).to.deep.equal([]);
        await settle(w1, onChains!);

        // Approvals go through, the bond's transferFrom is refused: another agent, nine such tasks
        // and one fair one — claimNext takes the fair one within two attempts.
        await call("arm", [false, true]);
        const fair2 = await poster.tasks.post({
          specURI: "ipfs://fair-eth-2",
          maxReward: 10n,
          capability: "summarize",
        });
        await eventually(
          async () => ((await w2.tasks.get(fair2.taskId))?.status === "open" ? true : undefined),
          "the second fair task indexed",
        );
        const w2Refused: [bigint, string][] = [];
        const taken = await w2.tasks.claimNext({
          poster: poster.address!,
          maxAttempts: 2, // a refusal, then the fair task: the other refusing ones cost no attempt
          onTokenRefused: (id, e) => w2Refused.push([id, e.operation]),
        });
        expect(taken?.taskId).to.equal(fair2.taskId);
        expect(w2Refused.length).to.be.at.most(1);
        if (w2Refused.length) expect(w2Refused[0]![1]).to.equal("transferFrom");
        await settle(w2, taken!);
        // Claimed directly, the task says why.
        const claimed = await w1.tasks.claim(refusing[0]!).catch((e: unknown) => e);
        expect(claimed).to.be.instanceOf(TokenRefusedError);
        expect((claimed as TokenRefusedError).operation).to.equal("transferFrom");
      } finally {
        await call("arm", [false, false]);
        for (const id of refusing) await poster.tasks.cancel(id);
      }
    },
  );

  it("work() claims, keeps the lease alive while the handler runs, then submits", async () => {
    const { taskId } = await poster.tasks.post({
      specURI: "ipfs://long-job",
      maxReward: 10n,
      capability: "translate",
      leaseDuration: 30,
    });
    await eventually(
      async () => ((await w2.tasks.get(taskId))?.status === "open" ? true : undefined),
      "the task to be indexed",
    );
    const done = await w2.tasks.work(
      { capabilities: ["translate"], poster: poster.address!, terms: { minLeaseSeconds: 30 } },
      async ({ task, claim, signal }) => {
        expect(task.id).to.equal(taskId);
        // Outlive the first lease: wait for the renewal (at half the lease), then move the chain past the first expiry.
        await eventually(
          async () => (((await w2.tasks.get(taskId))?.leaseExpiry ?? 0n) > claim.leaseExpiry ? true : undefined),
          "the lease renewed",
          40_000,
        );
        await advance(20);
        expect(signal.aborted).to.equal(false);
        return { resultURI: "ipfs://translated" };
      },
    );
    expect(done?.taskId).to.equal(taskId);
    const task = await eventually(async () => {
      const t = await w2.tasks.get(taskId);
      return t?.status === "submitted" ? t : undefined;
    }, "the submission to be indexed");
    expect(task.attempt).to.equal(1, "the lease never lapsed");
  });

  it("rejects, hands off and escalates to the approver, who answers", async () => {
    const { taskId } = await poster.tasks.post({ specURI: "ipfs://review-me", maxReward: 10n });
    const first = await w1.tasks.claim(taskId);
    await w1.tasks.submit(taskId, first.attempt, "ipfs://draft");
    await poster.tasks.reject(taskId, "ipfs://why-not");
    const second = await w1.tasks.claim(taskId);
    expect(second.attempt).to.equal(2);
    await w1.tasks.handoff(taskId, second.attempt, w2.agentId!, "ipfs://context");
    const third = await w2.tasks.acceptHandoff(taskId);
    expect(third.attempt).to.equal(3);
    await w2.tasks.escalate(taskId, third.attempt, "ipfs://question");
    await poster.tasks.resolveEscalation(taskId, "ipfs://answer", true);
    await w2.tasks.submit(taskId, third.attempt, "ipfs://final");
    await poster.tasks.accept(taskId);
    const t = await eventually(async () => {
      const x = await poster.tasks.get(taskId);
      return x?.status === "accepted" ? x : undefined;
    }, "the task accepted");
    expect(t.claimant).to.equal(w2.agentId);
  });

  it("watchOpen pushes the open list and watch follows one task; unsubscribing stops both", async () => {
    const seen: Task[][] = [];
    const stopOpen = w1.tasks.watchOpen({ poster: poster.address! }, (tasks) => seen.push(tasks));
    const { taskId } = await poster.tasks.post({ specURI: "ipfs://watched", maxReward: 10n });
    const pushed = await eventually(() => seen.flat().find((t) => t.id === taskId), "watchOpen to push the new task");
    // The pushed row is the task exactly as a REST read gives it.
    expect(pushed).to.deep.equal(await w1.tasks.get(taskId));
    const states: string[] = [];
    const followed: Task[] = [];
    const stopOne = w1.tasks.watch(taskId, (t) => {
      states.push(t.status);
      followed.push(t);
    });
    await eventually(() => (states.includes("open") ? true : undefined), "watch to deliver the current state");
    await w2.tasks.claim(taskId);
    await eventually(() => (states.includes("claimed") ? true : undefined), "watch to push the claim");
    expect(followed.at(-1)).to.deep.equal(await w1.tasks.get(taskId));
    await eventually(
      () => (seen.at(-1)!.every((t) => t.id !== taskId) ? true : undefined),
      "watchOpen to drop the claimed task",
    );
    stopOpen();
    stopOne();
    const count = seen.length;
    await poster.tasks.post({ specURI: "ipfs://after-unsubscribe", maxReward: 10n });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(seen.length).to.equal(count, "nothing arrives after unsubscribing");
  });

  it("without an indexer, watchOpen and watch follow the chain's events", async () => {
    const direct = await agentFor(4, { indexer: false });
    direct.agentId = w1.agentId;
    const seen: bigint[][] = [];
    const stop = direct.tasks.watchOpen({ poster: poster.address! }, (tasks) => seen.push(tasks.map((t) => t.id)));
    const { taskId } = await poster.tasks.post({ specURI: "ipfs://chain-watched", maxReward: 10n });
    await eventually(
      () => (seen.some((ids) => ids.includes(taskId)) ? true : undefined),
      "the chain watcher to see the task",
    );
    const states: string[] = [];
    const stopOne = direct.tasks.watch(taskId, (t) => states.push(t.status));
    await direct.tasks.claim(taskId);
    await eventually(() => (states.includes("claimed") ? true : undefined), "the chain watcher to see the claim");
    stop();
    stopOne();
    expect((await direct.tasks.get(taskId))?.claimant).to.equal(w1.agentId);
  });

  it("rejects bad input before sending anything, naming the field", async () => {
    const nonce = await poster.publicClient.getTransactionCount({ address: poster.address! });
    const field = (p: Promise<unknown>) =>
      p.then(
        () => "no error",
        (e: unknown) => (e instanceof InvalidInputError ? e.field : `other: ${String(e)}`),
      );
    expect(await field(poster.tasks.post({ specURI: "ipfs://x", maxReward: -1n }))).to.equal("maxReward");
    expect(await field(poster.tasks.post({ specURI: "ipfs://x", maxReward: 1n, deadline: 1 }))).to.equal("deadline");
    expect(
      await field(poster.tasks.post({ specURI: "ipfs://x", maxReward: 1n, approver: "0x1234" as `0x${string}` })),
    ).to.equal("approver");
    expect(
      await field(poster.tasks.post({ specURI: "ipfs://x", maxReward: 1n, capability: "Not A Capability!" })),
    ).to.equal("capability");
    expect(await field(poster.tasks.post({ specURI: "not a uri", maxReward: 1n }))).to.equal("specURI");
    expect(await field(poster.tasks.post({ specURI: "ipfs://x", maxReward: 1n, reward: 2n }))).to.equal("reward");
    expect(await field(poster.tasks.claim(0n))).to.equal("taskId");
    expect(await poster.publicClient.getTransactionCount({ address: poster.address! })).to.equal(
      nonce,
      "no transaction was sent",
    );
  });

  it("says what is missing when a client cannot sign or has no agent", async () => {
    const { node, deployment } = await sdkStack();
    const { createAgent } = await import("../../sdk/src/index.ts");
    const readOnly = createAgent({ rpcUrl: node.url, deployment });
    // A wallet client alone is enough to reach the node.
    const fromWallet = createAgent({ walletClient: w1.walletClient!, deployment });
    expect(await fromWallet.publicClient.getChainId()).to.equal(deployment.chainId);
    expect(
      await readOnly.tasks.claim(1n).then(
        () => undefined,
        (e: unknown) => e,
      ),
    ).to.be.instanceOf(MissingConfigError);
    const noAgent = await agentFor(6);
    const error = await noAgent.tasks.claim(1n).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(MissingConfigError);
    expect((error as Error).message).to.match(/agent id/);
  });

  it(
    "the same operations are exported as actions that take the agent first: " +
      "postTask, claimTask, submitTask, acceptTask, getTask",
    async () => {
      const { taskId } = await postTask(poster, { specURI: "ipfs://as-actions", maxReward: 10n });
      const claim = await claimTask(w1, { taskId });
      expect(claim).to.deep.include({ taskId, agentId: w1.agentId, attempt: 1 });
      await submitTask(w1, { taskId, attempt: claim.attempt, resultURI: "ipfs://as-actions-result" });
      await acceptTask(poster, { taskId });
      const task = await eventually(async () => {
        const t = await getTask(poster, { taskId });
        return t?.status === "accepted" ? t : undefined;
      }, "the task accepted");
      expect(task.resultURI).to.equal("ipfs://as-actions-result");
    },
  );

  it(
    "history lists a task's events in chain order with the agent and attempt of each, " +
      "from the indexer and from the chain",
    async () => {
      const { taskId } = await poster.tasks.post({ specURI: "ipfs://storied", maxReward: 10n });
      const first = await w1.tasks.claim(taskId);
      await w1.tasks.handoff(taskId, first.attempt, w2.agentId!, "ipfs://notes");
      const second = await w2.tasks.acceptHandoff(taskId);
      await w2.tasks.submit(taskId, second.attempt, "ipfs://storied-result");
      const expected = [
        ["TaskPosted", null, null],
        ["TaskClaimed", w1.agentId, 1],
        ["TaskHandedOff", w1.agentId, 1],
        ["TaskClaimed", w2.agentId, 2],
        ["TaskSubmitted", w2.agentId, 2],
      ];
      const indexed = await eventually(async () => {
        const h = await poster.tasks.history(taskId);
        return h.length === expected.length ? h : undefined;
      }, "the history indexed");
      const fromChain = await (await agentFor(3, { indexer: false })).tasks.history(taskId);
      for (const history of [indexed, fromChain]) {
        expect(history.map((e) => [e.kind, e.agentId, e.attempt])).to.deep.equal(expected);
        expect(history[2]!.data.toAgentId).to.equal(String(w2.agentId));
        expect(history.every((e) => e.taskId === taskId)).to.equal(true);
      }
      expect(indexed.every((e) => e.timestamp > 0n)).to.equal(true);
      expect(await poster.tasks.history(999_999n)).to.deep.equal([]);
    },
  );

  it("watchList pushes the tasks in several statuses as they move between them", async () => {
    const seen: Task[][] = [];
    const stop = poster.tasks.watchList({ status: ["claimed", "submitted"], poster: poster.address! }, (tasks) =>
      seen.push(tasks),
    );
    const statusNow = (taskId: bigint) => seen.at(-1)?.find((t) => t.id === taskId)?.status;
    const { taskId } = await poster.tasks.post({ specURI: "ipfs://moving", maxReward: 10n });
    const claim = await w1.tasks.claim(taskId);
    await eventually(() => (statusNow(taskId) === "claimed" ? true : undefined), "the claimed task pushed");
    await w1.tasks.submit(taskId, claim.attempt, "ipfs://moved");
    await eventually(() => (statusNow(taskId) === "submitted" ? true : undefined), "the submitted task pushed");
    await poster.tasks.accept(taskId);
    await eventually(
      () => (seen.at(-1)!.every((t) => t.id !== taskId) ? true : undefined),
      "the accepted task dropped",
    );
    expect(seen.flat().every((t) => t.status === "claimed" || t.status === "submitted")).to.equal(true);
    stop();
  });
});
