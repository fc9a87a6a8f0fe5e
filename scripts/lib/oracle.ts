/**
 * The consistency oracle: every indexed entity against what the contracts' view functions say.
 * Returns the mismatches (empty when the indexer agrees with the chain). An indexer may follow
 * several chains: the oracle compares the rows of one chain (the deployment's) with that chain.
 */
import { createClient, eq } from "@ponder/client";
import { taskStatusNames } from "@stigmergy/contracts";
import { type Address, createPublicClient, getAddress, http, stringify, zeroAddress } from "viem";
import * as schema from "../../indexer/ponder.schema.ts";
import { abis, type Deployment } from "../../sdk/src/index.ts";

export const indexerClient = (indexerUrl: string) => createClient(`${indexerUrl}/sql`, { schema });

/** TaskBoard's statuses by value, as the indexer spells them (lowercase). */
const STATUS = taskStatusNames.map((name) => name.toLowerCase());
const lower = (a: string) => a.toLowerCase();
/** The larger of two bigints (Math.max does not take bigints). */
const maxBigint = (a: bigint, b: bigint) => (a > b ? a : b);

/** How many times a comparison is made again when the chain moved while it read (see checkConsistency). */
const ATTEMPTS = 3;

export async function checkConsistency(indexerUrl: string, rpcUrl: string, deployment: Deployment): Promise<string[]> {
  const chain = createPublicClient({ transport: http(rpcUrl) });
  const contracts = Object.values(deployment.contracts).filter((a) => a !== deployment.contracts.StakeToken);
  for (let attempt = 1; ; attempt++) {
    const block = await chain.getBlock();
    // Compare the indexer at (at least) this block; the audit log is compared at exactly this block.
    await waitForIndexer(indexerUrl, rpcUrl, 180_000, Number(block.number));
    // A row newer than `block` can name what did not exist there yet: its view reverts (a task not
    // found, say). That is the chain moving too, and is compared again like a mismatch.
    let failure: unknown;
    const problems = await compareAt(indexerUrl, chain, deployment, block).catch((error: unknown) => {
      failure = error;
      return [`the comparison at block ${block.number} failed: ${(error as Error).message.split("\n")[0]}`];
    });
    if (problems.length === 0 || attempt === ATTEMPTS) {
      if (failure) throw failure;
      return problems;
    }
    // The views are read at `block`, the rows wherever the indexer is (at or past it): a contract log
    // mined after `block` (a transaction in flight) can make the rows newer than the views. Then compare
    // again.
    const later = await chain.getLogs({ address: contracts as Address[], fromBlock: block.number + 1n });
    if (later.length === 0) {
      if (failure) throw failure;
      return problems;
    }
  }
}

/** One comparison: the indexed rows against the contracts' views at `block`, the audit log up to it. */
async function compareAt(
  indexerUrl: string,
  chain: ReturnType<typeof createPublicClient>,
  deployment: Deployment,
  block: { number: bigint; timestamp: bigint },
): Promise<string[]> {
  const client = indexerClient(indexerUrl);
  const c = deployment.contracts;
  // Every view at `block`, as the audit log: one snapshot, even while empty blocks move time on (a
  // lock expiring between the block and a read at the latest would look like a wrong row).
  const read = <T>(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
    chain.readContract({
      address,
      abi: abi as never,
      functionName: functionName as never,
      args: args as never,
      blockNumber: block.number,
    }) as Promise<T>;
  const problems: string[] = [];
  const expect = (what: string, indexed: unknown, onChain: unknown) => {
    const a = stringify(indexed);
    const b = stringify(onChain);
    if (a !== b) problems.push(`${what}: indexed ${a}, chain ${b}`);
  };
  const now = block.timestamp;
  /** The rows of `table` on this deployment's chain (every table has a chainId column). */
  const rows = <T extends { $inferSelect: unknown }>(table: T): Promise<T["$inferSelect"][]> => {
    const t = table as unknown as typeof schema.agent;
    return client.db.select().from(t).where(eq(t.chainId, deployment.chainId)) as never;
  };

  // Agents: every registered id, owner, URI, wallet, capabilities.
  const agents = await rows(schema.agent);
  expect(
    "agent count",
    agents.length,
    Number(await read<bigint>(c.IdentityRegistry!, abis.IdentityRegistry, "lastAgentId")),
  );
  for (const a of agents) {
    expect(
      `agent ${a.id} owner`,
      a.owner,
      lower(await read<Address>(c.IdentityRegistry!, abis.IdentityRegistry, "ownerOf", [a.id])),
    );
    expect(
      `agent ${a.id} uri`,
      a.uri,
      await read<string>(c.IdentityRegistry!, abis.IdentityRegistry, "tokenURI", [a.id]),
    );
    const wallet = await read<Address>(c.IdentityRegistry!, abis.IdentityRegistry, "getAgentWallet", [a.id]);
    expect(`agent ${a.id} wallet`, a.wallet, wallet === zeroAddress ? null : lower(wallet));
    expect(
      `agent ${a.id} capabilities`,
      a.capabilities,
      await read<string[]>(c.IdentityRegistry!, abis.IdentityRegistry, "capabilitiesOf", [a.id]),
    );
  }
  for (const m of await rows(schema.agentMetadata)) {
    expect(
      `metadata ${m.agentId}/${m.key}`,
      m.value,
      await read<string>(c.IdentityRegistry!, abis.IdentityRegistry, "getMetadata", [m.agentId, m.key]),
    );
  }

  // Reputation and validation.
  for (const f of await rows(schema.feedback)) {
    const [value, decimals, tag1, tag2, revoked] = await read<[bigint, number, string, string, boolean]>(
      c.ReputationRegistry!,
      abis.ReputationRegistry,
      "readFeedback",
      [f.agentId, f.client, f.feedbackIndex],
    );
    expect(
      `feedback ${f.agentId}/${f.client}/${f.feedbackIndex}`,
      [f.value, f.valueDecimals, f.tag1, f.tag2, f.revoked],
      [value, decimals, tag1, tag2, revoked],
    );
  }
  for (const v of await rows(schema.validation)) {
    const [validator, agentId, response, responseHash, tag, lastUpdate] = await read<
      [Address, bigint, number, string, string, bigint]
    >(c.ValidationRegistry!, abis.ValidationRegistry, "getValidationStatus", [v.requestHash]);
    expect(
      `validation ${v.requestHash}`,
      [v.validator, v.agentId, v.response ?? 0, v.responseHash ?? `0x${"0".repeat(64)}`, v.tag ?? "", v.lastUpdate],
      [lower(validator), agentId, response, responseHash, tag, lastUpdate],
    );
  }

  // Stake.
  for (const s of await rows(schema.stake)) {
    expect(
      `stake ${s.agentId} active`,
      s.active,
      await read<bigint>(c.StakeManager!, abis.StakeManager, "stakeOf", [s.agentId]),
    );
    const [unbonding, releaseAt] = await read<[bigint, bigint]>(c.StakeManager!, abis.StakeManager, "unbondingOf", [
      s.agentId,
    ]);
    expect(`stake ${s.agentId} unbonding`, [s.unbonding, s.releaseAt], [unbonding, unbonding === 0n ? 0n : releaseAt]);
    expect(
      `stake ${s.agentId} locked`,
      s.locked,
      await read<bigint>(c.StakeManager!, abis.StakeManager, "lockedOf", [s.agentId]),
    );
  }

  // Groups, members (weights), leaders.
  const members = await rows(schema.groupMember);
  for (const g of await rows(schema.group)) {
    const [leader, term, epoch, lastHeartbeat] = await read<[bigint, bigint, bigint, bigint]>(
      c.LeaderElection!,
      abis.LeaderElection,
      "currentLeader",
      [g.id],
    );
    expect(`group ${g.id} leader`, [g.leader, g.term, g.epoch, g.lastHeartbeat], [leader, term, epoch, lastHeartbeat]);
    const [drawBlock, drawEpoch, drawTerm] = await read<[bigint, bigint, bigint, bigint]>(
      c.LeaderElection!,
      abis.LeaderElection,
      "pendingDraw",
      [g.id],
    );
    expect(`group ${g.id} pending draw`, [g.drawBlock, g.drawEpoch, g.drawTerm], [drawBlock, drawEpoch, drawTerm]);
    const mine = members.filter((m) => m.groupId === g.id);
    expect(`group ${g.id} members`, mine.length, g.memberCount);
    expect(
      `group ${g.id} total weight`,
      mine.reduce((s, m) => s + m.weight, 0n),
      await read<bigint>(c.LeaderElection!, abis.LeaderElection, "totalWeight", [g.id]),
    );
    for (const m of mine) {
      expect(
        `group ${g.id} member ${m.agentId}`,
        [true, m.weight],
        [
          await read<boolean>(c.LeaderElection!, abis.LeaderElection, "isMember", [g.id, m.agentId]),
          await read<bigint>(c.LeaderElection!, abis.LeaderElection, "weightOf", [g.id, m.agentId]),
        ],
      );
    }
  }

  // Governance.
  for (const p of await rows(schema.proposal)) {
    const onChain = await read<{ totalVotes: bigint; finalized: boolean; outcome: number; quorumVotes: bigint }>(
      c.Governance!,
      abis.Governance,
      "getProposal",
      [p.id],
    );
    expect(
      `proposal ${p.id}`,
      [p.totalVotes, p.finalized, p.finalized ? p.outcome : 0, p.quorumVotes],
      [onChain.totalVotes, onChain.finalized, onChain.outcome, onChain.quorumVotes],
    );
  }
  for (const v of await rows(schema.vote)) {
    expect(
      `vote ${v.proposalId}/${v.agentId}`,
      true,
      await read<boolean>(c.Governance!, abis.Governance, "hasVoted", [v.proposalId, v.agentId]),
    );
  }

  // Locks.
  for (const l of await rows(schema.lock)) {
    const [holder, token, expiresAt] = await read<[bigint, bigint, bigint]>(
      c.LockManager!,
      abis.LockManager,
      "holderOf",
      [l.key],
    );
    expect(
      `lock ${l.key}`,
      [now < l.expiresAt ? l.holder : 0n, l.fencingToken, l.expiresAt],
      [holder, token, expiresAt],
    );
  }

  // Tasks: every field of getTask, the timer by status, the pending handoff.
  const tasks = await rows(schema.task);
  expect("task count", tasks.length, Number(await read<bigint>(c.TaskBoard!, abis.TaskBoard, "taskCount")));
  for (const t of tasks) {
    const v = await read<Record<string, unknown>>(c.TaskBoard!, abis.TaskBoard, "getTask", [t.id]);
    const timer =
      t.status === "claimed"
        ? t.leaseExpiry
        : t.status === "escalated"
          ? t.leaseRemaining
          : t.status === "submitted"
            ? t.reviewDeadline
            : 0n;
    const indexed = [
      t.status,
      t.attempt,
      t.claimant,
      timer,
      t.lockedReward,
      t.poster,
      t.rewardToken,
      t.reward,
      t.maxReward,
      t.claimBond,
      t.minStake,
      t.postedAt,
      t.notBefore,
      t.deadline,
    ];
    const onChain = [
      STATUS[v.status as number],
      v.attempt,
      v.claimant,
      v.status === 5 || v.status === 6 || v.status === 7 ? 0n : v.timer,
      v.lockedReward,
      lower(v.poster as string),
      lower(v.rewardToken as string),
      v.reward,
      v.maxReward,
      v.claimBond,
      v.minStake,
      v.postedAt,
      v.notBefore,
      v.deadline,
    ];
    // Settled tasks keep whatever timer they had on chain; the indexer does not track it.
    if (v.status === 5 || v.status === 6 || v.status === 7) indexed[3] = 0n;
    expect(`task ${t.id}`, indexed, onChain);
    const pending = t.status === "claimed" && t.handoffAttempt === t.attempt ? t.handoffTo : 0n;
    expect(
      `task ${t.id} pending handoff`,
      pending,
      await read<bigint>(c.TaskBoard!, abis.TaskBoard, "pendingHandoff", [t.id]),
    );
    expect(
      `task ${t.id} escalation deadline`,
      t.status === "escalated" ? t.answerBy : 0n,
      await read<bigint>(c.TaskBoard!, abis.TaskBoard, "escalationDeadline", [t.id]),
    );
  }
  for (const s of await rows(schema.schedule)) {
    const v = await read<{ spawned: number; cancelled: boolean; count: number }>(
      c.TaskBoard!,
      abis.TaskBoard,
      "getSchedule",
      [s.id],
    );
    expect(`schedule ${s.id}`, [s.spawned, s.cancelled, s.count], [v.spawned, v.cancelled, v.count]);
  }
  for (const r of await rows(schema.scheduleRound)) {
    expect(
      `schedule ${r.scheduleId} round ${r.round}`,
      r.taskId,
      await read<bigint>(c.TaskBoard!, abis.TaskBoard, "roundTask", [r.scheduleId, r.round]),
    );
  }
  for (const cr of await rows(schema.credit)) {
    expect(
      `credit ${cr.account}/${cr.token}`,
      cr.amount,
      await read<bigint>(c.TaskBoard!, abis.TaskBoard, "creditOf", [getAddress(cr.account), getAddress(cr.token)]),
    );
  }

  // Messages: channel and inbox counters.
  for (const ch of await rows(schema.channel)) {
    expect(
      `channel ${ch.id}`,
      [ch.seq, ch.groupId],
      [
        await read<bigint>(c.MessageBus!, abis.MessageBus, "channelSeq", [ch.id]),
        await read<bigint>(c.MessageBus!, abis.MessageBus, "channelGroup", [ch.id]),
      ],
    );
  }
  const direct = (await rows(schema.message)).filter((m) => m.kind === "direct");
  for (const agentId of new Set(direct.map((m) => m.toAgentId!))) {
    const inbox = direct.filter((m) => m.toAgentId === agentId).map((m) => m.seq);
    expect(
      `inbox ${agentId}`,
      inbox.length === 0 ? 0n : inbox.reduce(maxBigint),
      await read<bigint>(c.MessageBus!, abis.MessageBus, "inboxSeq", [agentId]),
    );
  }

  // The audit log has one row per log the contracts emitted.
  const logs = await chain.getLogs({
    address: Object.values(c).filter((a) => a !== c.StakeToken) as Address[],
    fromBlock: BigInt(deployment.startBlock),
    toBlock: block.number,
  });
  // A log mined after `block` (a transaction still in flight) may be indexed by now: not counted.
  const activity = (await rows(schema.activity)).filter((a) => a.blockNumber <= block.number);
  expect("activity rows = contract logs", activity.length, logs.length);
  return problems;
}

/** Every row of every table, sorted, as comparable JSON (to compare two indexers). */
export async function dumpTables(indexerUrl: string): Promise<Record<string, string>> {
  const client = indexerClient(indexerUrl);
  const tables = Object.entries(schema).filter(
    ([, v]) => typeof v === "object" && v !== null && Symbol.for("ponder:onchain") in (v as object),
  );
  const out: Record<string, string> = {};
  for (const [name, table] of tables) {
    const rows = await client.db.select().from(table as typeof schema.agent);
    const json = rows.map((r) => stringify(r)).sort();
    out[name] = json.join("\n");
  }
  return out;
}

/**
 * Resolves once the indexer has processed the node's current head block, or block `target` (on the
 * node's chain, when the indexer follows several).
 */
export async function waitForIndexer(
  indexerUrl: string,
  rpcUrl: string,
  timeoutMs = 180_000,
  target?: number,
): Promise<void> {
  const chain = createPublicClient({ transport: http(rpcUrl) });
  const [head, chainId] = await Promise.all([target ?? chain.getBlockNumber().then(Number), chain.getChainId()]);
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    try {
      type Status = Record<string, { id: number; block?: { number: number } }>;
      const status = (await (await fetch(`${indexerUrl}/status`)).json()) as Status;
      const ours = Object.values(status).find((s) => s.id === chainId);
      if ((ours?.block?.number ?? -1) >= head) return;
    } catch {
      // restarting
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`indexer at ${indexerUrl} did not reach block ${head} within ${timeoutMs / 1000} s`);
}

/**
 * Resolves once the node has mined every transaction it was sent (none pending), so that what the
 * chain says stops moving: a transaction an agent sent just before it stopped lands in the next block.
 */
export async function waitForMined(rpcUrl: string, timeoutMs = 30_000): Promise<void> {
  const chain = createPublicClient({ transport: http(rpcUrl) });
  const started = Date.now();
  while ((await chain.getBlockTransactionCount({ blockTag: "pending" })) > 0) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`the node at ${rpcUrl} still has transactions pending after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
