import { taskStatusNames } from "@stigmergy/contracts";
import { index, onchainEnum, onchainTable, primaryKey } from "ponder";

/**
 * Stigmergy's indexed state: current-state tables (one row per entity, updated by the handlers in
 * src/, one file per contract) and event tables keyed by the event id. `activity` is the audit log:
 * one row per event of every contract (written by src/lib/activity.ts's `handle`); a task's history
 * is its TaskBoard rows there. Amounts and timestamps are bigint columns.
 *
 * One indexer may follow several chains (src/lib/chains.ts): every row carries its `chainId`, and
 * every primary key starts with it (task 1 on chain 31337 and task 1 on chain 31338 are two rows).
 */

// ---------------------------------------------------------------- identity

export const agent = onchainTable(
  "agent",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.bigint().notNull(),
    owner: t.hex().notNull(),
    uri: t.text().notNull(),
    /** The agent's wallet: its owner until one is verified; null when cleared. */
    wallet: t.hex(),
    capabilities: t.hex().array().notNull(),
    registeredAt: t.bigint().notNull(),
    registeredBlock: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    ownerIdx: index().on(table.owner),
    walletIdx: index().on(table.wallet),
  }),
);

export const agentMetadata = onchainTable(
  "agent_metadata",
  (t) => ({
    chainId: t.integer().notNull(),
    agentId: t.bigint().notNull(),
    key: t.text().notNull(),
    value: t.hex().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.agentId, table.key] }) }),
);

export const agentCapability = onchainTable(
  "agent_capability",
  (t) => ({
    chainId: t.integer().notNull(),
    agentId: t.bigint().notNull(),
    capability: t.hex().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.agentId, table.capability] }),
    capIdx: index().on(table.capability),
  }),
);

// ---------------------------------------------------------------- reputation and validation

export const feedback = onchainTable(
  "feedback",
  (t) => ({
    chainId: t.integer().notNull(),
    agentId: t.bigint().notNull(),
    client: t.hex().notNull(),
    feedbackIndex: t.bigint().notNull(),
    value: t.bigint().notNull(),
    valueDecimals: t.integer().notNull(),
    tag1: t.text().notNull(),
    tag2: t.text().notNull(),
    endpoint: t.text().notNull(),
    feedbackURI: t.text().notNull(),
    feedbackHash: t.hex().notNull(),
    revoked: t.boolean().notNull(),
    responseCount: t.integer().notNull(),
    createdAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.agentId, table.client, table.feedbackIndex] }),
    agentIdx: index().on(table.agentId),
    clientIdx: index().on(table.client),
  }),
);

export const feedbackResponse = onchainTable(
  "feedback_response",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.text().notNull(),
    agentId: t.bigint().notNull(),
    client: t.hex().notNull(),
    feedbackIndex: t.bigint().notNull(),
    responder: t.hex().notNull(),
    responseURI: t.text().notNull(),
    responseHash: t.hex().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.id] }) }),
);

export const validation = onchainTable(
  "validation",
  (t) => ({
    chainId: t.integer().notNull(),
    requestHash: t.hex().notNull(),
    validator: t.hex().notNull(),
    agentId: t.bigint().notNull(),
    requestURI: t.text().notNull(),
    response: t.integer(),
    responseURI: t.text(),
    responseHash: t.hex(),
    tag: t.text(),
    requestedAt: t.bigint().notNull(),
    lastUpdate: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.requestHash] }),
    agentIdx: index().on(table.agentId),
    validatorIdx: index().on(table.validator),
  }),
);

// ---------------------------------------------------------------- stake

export const stake = onchainTable(
  "stake",
  (t) => ({
    chainId: t.integer().notNull(),
    agentId: t.bigint().notNull(),
    active: t.bigint().notNull(),
    /** Active stake slashers locked for obligations not yet discharged (tasks held); it cannot be unstaken. */
    locked: t.bigint().notNull(),
    unbonding: t.bigint().notNull(),
    releaseAt: t.bigint().notNull(),
    slashed: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.agentId] }) }),
);

export const slash = onchainTable(
  "slash",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.text().notNull(),
    agentId: t.bigint().notNull(),
    slasher: t.hex().notNull(),
    amount: t.bigint().notNull(),
    recipient: t.hex().notNull(),
    reason: t.hex().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.id] }), agentIdx: index().on(table.agentId) }),
);

// ---------------------------------------------------------------- election

/** Deployment-wide election settings (from ElectionConfigured). */
export const electionConfig = onchainTable(
  "election_config",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.integer().notNull(),
    weightUnit: t.bigint().notNull(),
    slashRecipient: t.hex().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.id] }) }),
);

export const group = onchainTable(
  "group",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.bigint().notNull(),
    name: t.hex().notNull(),
    creator: t.hex().notNull(),
    epochDuration: t.bigint().notNull(),
    heartbeatTimeout: t.bigint().notNull(),
    minStake: t.bigint().notNull(),
    failoverSlash: t.bigint().notNull(),
    startTime: t.bigint().notNull(),
    leader: t.bigint().notNull(),
    term: t.bigint().notNull(),
    epoch: t.bigint().notNull(),
    lastHeartbeat: t.bigint().notNull(),
    memberCount: t.integer().notNull(),
    /** The block of the pending draw's request (0: none pending); it can be settled from the next block on. */
    drawBlock: t.bigint().notNull(),
    /** The epoch and term the pending draw is for (0 when none). */
    drawEpoch: t.bigint().notNull(),
    drawTerm: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.id] }) }),
);

export const groupMember = onchainTable(
  "group_member",
  (t) => ({
    chainId: t.integer().notNull(),
    groupId: t.bigint().notNull(),
    agentId: t.bigint().notNull(),
    weight: t.bigint().notNull(),
    joinedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.groupId, table.agentId] }),
    agentIdx: index().on(table.agentId),
  }),
);

export const term = onchainTable(
  "term",
  (t) => ({
    chainId: t.integer().notNull(),
    groupId: t.bigint().notNull(),
    term: t.bigint().notNull(),
    epoch: t.bigint().notNull(),
    agentId: t.bigint().notNull(),
    startedAt: t.bigint().notNull(),
    heartbeats: t.integer().notNull(),
    failedOverBy: t.hex(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.groupId, table.term] }) }),
);

// ---------------------------------------------------------------- governance and locks

export const proposal = onchainTable(
  "proposal",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.bigint().notNull(),
    groupId: t.bigint().notNull(),
    proposer: t.hex().notNull(),
    descriptionURI: t.text().notNull(),
    options: t.integer().notNull(),
    snapshot: t.bigint().notNull(),
    voteEnd: t.bigint().notNull(),
    quorumBps: t.integer().notNull(),
    quorumVotes: t.bigint().notNull(),
    totalVotes: t.bigint().notNull(),
    finalized: t.boolean().notNull(),
    outcome: t.integer(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.id] }), groupIdx: index().on(table.groupId) }),
);

export const vote = onchainTable(
  "vote",
  (t) => ({
    chainId: t.integer().notNull(),
    proposalId: t.bigint().notNull(),
    agentId: t.bigint().notNull(),
    option: t.integer().notNull(),
    weight: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.proposalId, table.agentId] }) }),
);

export const lock = onchainTable(
  "lock",
  (t) => ({
    chainId: t.integer().notNull(),
    key: t.hex().notNull(),
    holder: t.bigint().notNull(),
    fencingToken: t.bigint().notNull(),
    expiresAt: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.key] }) }),
);

// ---------------------------------------------------------------- tasks

type Lower<T extends readonly string[]> = { -readonly [K in keyof T]: Lowercase<T[K]> };
const [, ...held] = taskStatusNames; // a task that exists is never None
/** TaskBoard's statuses (`enum TaskStatus`, from the build), lowercase: "open", "claimed", … "expired". */
export const taskStatuses = held.map((name) => name.toLowerCase()) as Lower<typeof held>;
/** A task's status as a PostgreSQL enum (GraphQL: the enum `taskStatus`). */
export const taskStatus = onchainEnum("task_status", taskStatuses);

export const task = onchainTable(
  "task",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.bigint().notNull(),
    status: taskStatus("status").notNull(),
    poster: t.hex().notNull(),
    capability: t.hex().notNull(),
    specURI: t.text().notNull(),
    specHash: t.hex().notNull(),
    rewardToken: t.hex().notNull(),
    reward: t.bigint().notNull(),
    maxReward: t.bigint().notNull(),
    claimBond: t.bigint().notNull(),
    minStake: t.bigint().notNull(),
    abandonSlash: t.bigint().notNull(),
    leaseDuration: t.bigint().notNull(),
    notBefore: t.bigint().notNull(),
    deadline: t.bigint().notNull(),
    reviewWindow: t.bigint().notNull(),
    approver: t.hex().notNull(),
    postedAt: t.bigint().notNull(),
    scheduleId: t.bigint().notNull(),
    round: t.integer().notNull(),
    claimant: t.bigint().notNull(),
    attempt: t.integer().notNull(),
    /** While claimed: when the lease ends. */
    leaseExpiry: t.bigint().notNull(),
    /** While escalated: the lease seconds left when the clock stopped. */
    leaseRemaining: t.bigint().notNull(),
    /** While escalated: when the escalation ends unanswered (anyone may then expire it). */
    answerBy: t.bigint(),
    /** The reward a claim locked in (while open: the base reward, as on chain). */
    lockedReward: t.bigint().notNull(),
    resultURI: t.text(),
    resultHash: t.hex(),
    reviewDeadline: t.bigint(),
    /** The last handoff offer and the attempt it was made in (valid while that attempt holds the task). */
    handoffTo: t.bigint().notNull(),
    handoffAttempt: t.integer().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    statusIdx: index().on(table.status, table.capability),
    posterIdx: index().on(table.poster),
    claimantIdx: index().on(table.claimant),
  }),
);

export const schedule = onchainTable(
  "schedule",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.bigint().notNull(),
    poster: t.hex().notNull(),
    template: t.json().notNull(),
    firstAt: t.bigint().notNull(),
    interval: t.bigint().notNull(),
    count: t.integer().notNull(),
    spawned: t.integer().notNull(),
    cancelled: t.boolean().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.id] }) }),
);

export const scheduleRound = onchainTable(
  "schedule_round",
  (t) => ({
    chainId: t.integer().notNull(),
    scheduleId: t.bigint().notNull(),
    round: t.integer().notNull(),
    taskId: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.scheduleId, table.round] }) }),
);

export const credit = onchainTable(
  "credit",
  (t) => ({
    chainId: t.integer().notNull(),
    account: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.account, table.token] }) }),
);

// ---------------------------------------------------------------- messages

export const channel = onchainTable(
  "channel",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.hex().notNull(),
    groupId: t.bigint().notNull(),
    name: t.hex(),
    seq: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.id] }) }),
);

export const message = onchainTable(
  "message",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.text().notNull(),
    kind: t.text().notNull(),
    channel: t.hex(),
    toAgentId: t.bigint(),
    fromAgentId: t.bigint().notNull(),
    seq: t.bigint().notNull(),
    payload: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    channelIdx: index().on(table.channel, table.seq),
    inboxIdx: index().on(table.toAgentId, table.seq),
  }),
);

// ---------------------------------------------------------------- audit log

export const activity = onchainTable(
  "activity",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.text().notNull(),
    contract: t.text().notNull(),
    event: t.text().notNull(),
    agentId: t.bigint(),
    groupId: t.bigint(),
    taskId: t.bigint(),
    args: t.json().notNull(),
    blockNumber: t.bigint().notNull(),
    blockHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    orderIdx: index().on(table.chainId, table.blockNumber, table.logIndex),
    agentIdx: index().on(table.agentId),
    taskIdx: index().on(table.chainId, table.taskId, table.blockNumber, table.logIndex),
  }),
);
