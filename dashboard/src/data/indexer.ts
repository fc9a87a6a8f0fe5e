/**
 * The dashboard's only door to the indexer. Every view reads the {@link Snapshot} this module
 * keeps; nothing else fetches. An indexer may follow several chains (`GET /chains`): then the page
 * keeps one connection per chain, each reading only its chain's rows (`where: {chainId}` on every
 * GraphQL list, `?chain=` on REST, its change signal filtered by `chain_id`); with one chain the
 * connection reads without a filter, as it always did.
 *
 * How data arrives — pushed, never polled:
 * - One server-sent-events stream on Ponder's `/sql/live` watches the newest row of `activity`
 *   (the audit log gets a row for every event of every contract, so its newest id changes with
 *   every indexed change). Its pushes are used as change *signals* only: on the embedded PGlite
 *   database Ponder's `/sql/*` can answer wrong rows under load, so the data itself is read over
 *   GraphQL (`/graphql`) and REST, which are correct on every database.
 * - On each signal the snapshot is read again (one GraphQL request plus `/deployment`); signals
 *   that arrive while a read is in flight are folded into one more read.
 * - Health: `/readyz` (and Ponder's `/status`, for the chain's clock) is read when the page opens,
 *   when the stream drops, with every snapshot, and every 15 s (a chain that went away, or a
 *   clock that moved without any event, shows although no event will say so). A dropped stream
 *   reconnects with a growing delay. Countdowns tick on the page's own clock.
 */

export type Hex = `0x${string}`;

// ---------------------------------------------------------------- rows (numbers as bigint)

export type AgentRow = {
  id: bigint;
  owner: Hex;
  uri: string;
  wallet: Hex | null;
  capabilities: Hex[];
  registeredAt: bigint;
  updatedAt: bigint;
};
export type StakeRow = {
  agentId: bigint;
  active: bigint;
  unbonding: bigint;
  releaseAt: bigint;
  slashed: bigint;
  updatedAt: bigint;
};
export type SlashRow = {
  id: string;
  agentId: bigint;
  slasher: Hex;
  amount: bigint;
  recipient: Hex;
  reason: Hex;
  timestamp: bigint;
};
export type GroupRow = {
  id: bigint;
  name: Hex;
  creator: Hex;
  epochDuration: bigint;
  heartbeatTimeout: bigint;
  minStake: bigint;
  failoverSlash: bigint;
  startTime: bigint;
  leader: bigint;
  term: bigint;
  epoch: bigint;
  lastHeartbeat: bigint;
  memberCount: number;
  drawBlock: bigint;
  drawEpoch: bigint;
  drawTerm: bigint;
};
export type MemberRow = { groupId: bigint; agentId: bigint; weight: bigint; joinedAt: bigint };
export type TermRow = {
  groupId: bigint;
  term: bigint;
  epoch: bigint;
  agentId: bigint;
  startedAt: bigint;
  heartbeats: number;
  failedOverBy: Hex | null;
};
export type TaskStatus = "open" | "claimed" | "submitted" | "escalated" | "accepted" | "cancelled" | "expired";
export const TASK_STATUSES: TaskStatus[] = [
  "open",
  "claimed",
  "submitted",
  "escalated",
  "accepted",
  "cancelled",
  "expired",
];
export type TaskRow = {
  id: bigint;
  status: TaskStatus;
  poster: Hex;
  capability: Hex;
  specURI: string;
  rewardToken: Hex;
  reward: bigint;
  maxReward: bigint;
  claimBond: bigint;
  minStake: bigint;
  leaseDuration: bigint;
  notBefore: bigint;
  deadline: bigint;
  reviewWindow: bigint;
  approver: Hex;
  postedAt: bigint;
  scheduleId: bigint;
  round: number;
  claimant: bigint;
  attempt: number;
  leaseExpiry: bigint;
  leaseRemaining: bigint;
  lockedReward: bigint;
  resultURI: string | null;
  reviewDeadline: bigint | null;
  handoffTo: bigint;
  handoffAttempt: number;
  updatedAt: bigint;
};
export type TaskEventRow = {
  id: string;
  taskId: bigint;
  kind: string;
  agentId: bigint | null;
  attempt: number | null;
  data: Record<string, string>;
  blockNumber: bigint;
  logIndex: number;
  timestamp: bigint;
  txHash: Hex;
};
export type LockRow = { key: Hex; holder: bigint; fencingToken: bigint; expiresAt: bigint; updatedAt: bigint };
export type ProposalRow = {
  id: bigint;
  groupId: bigint;
  proposer: Hex;
  descriptionURI: string;
  options: number;
  snapshot: bigint;
  voteEnd: bigint;
  quorumBps: number;
  quorumVotes: bigint;
  totalVotes: bigint;
  finalized: boolean;
  outcome: number | null;
};
export type VoteRow = { proposalId: bigint; agentId: bigint; option: number; weight: bigint; timestamp: bigint };
export type ScheduleRow = {
  id: bigint;
  poster: Hex;
  template: Record<string, string>;
  firstAt: bigint;
  interval: bigint;
  count: number;
  spawned: number;
  cancelled: boolean;
};
export type CreditRow = { account: Hex; token: Hex; amount: bigint };
export type ChannelRow = { id: Hex; groupId: bigint; name: Hex | null; seq: bigint };
export type MessageRow = {
  id: string;
  kind: "channel" | "direct";
  channel: Hex | null;
  toAgentId: bigint | null;
  fromAgentId: bigint;
  seq: bigint;
  payload: Hex;
  blockNumber: bigint;
  timestamp: bigint;
};
export type FeedbackRow = {
  agentId: bigint;
  client: Hex;
  feedbackIndex: bigint;
  value: bigint;
  valueDecimals: number;
  tag1: string;
  tag2: string;
  revoked: boolean;
  createdAt: bigint;
};
export type ActivityRow = {
  id: string;
  contract: string;
  event: string;
  agentId: bigint | null;
  groupId: bigint | null;
  taskId: bigint | null;
  args: Record<string, unknown>;
  blockNumber: bigint;
  logIndex: number;
  timestamp: bigint;
  txHash: Hex;
};

/** One chain an indexer follows (`GET /chains`): its id and the name the indexer gives it. */
export type ChainInfo = { id: number; name: string };

/** Where a read goes: the indexer, and the one chain it is about (none: the indexer's only chain). */
export type Source = { base: string; chain?: ChainInfo | undefined };

/** `?chain=<id>` (or `&chain=`) for a REST path when the source is one chain of several. */
const chainParam = (source: Source, sep: "?" | "&" = "?") => (source.chain ? `${sep}chain=${source.chain.id}` : "");

/** `GET /deployment`: which chain and contracts the indexer follows. */
export type Deployment = { chainId: number; startBlock: number; contracts: Record<string, Hex> };

/** `GET /escrow`: the TaskBoard's books per token, read from the chain at the indexed block. */
export type EscrowBooks = {
  block: bigint;
  taskBoard: Hex;
  tokens: { token: Hex; balance: bigint; escrowed: bigint; credits: bigint }[];
};

/** Everything the views draw, read in one go after each change signal. */
export type Snapshot = {
  /** The latest indexed block: number and timestamp (chain seconds). */
  block: { number: bigint; timestamp: bigint };
  chainId: number;
  deployment: Deployment | null;
  agents: AgentRow[];
  stakes: Map<bigint, StakeRow>;
  slashes: SlashRow[];
  /** Stake (wei) per unit of election weight (LeaderElection's weightUnit; 1e9 by default). */
  weightUnit: bigint;
  groups: GroupRow[];
  members: MemberRow[];
  terms: TermRow[];
  /** Exact counts by status (GraphQL totalCount), whatever the page size. */
  taskCounts: Record<TaskStatus, number>;
  /** The newest tasks (up to PAGE), newest first. */
  tasks: TaskRow[];
  /** The newest task events (up to PAGE), oldest first. */
  taskEvents: TaskEventRow[];
  locks: LockRow[];
  proposals: ProposalRow[];
  votes: VoteRow[];
  schedules: ScheduleRow[];
  credits: CreditRow[];
  channels: ChannelRow[];
  /** The newest messages (up to MESSAGES), oldest first. */
  messages: MessageRow[];
  feedback: FeedbackRow[];
  /** The newest audit-log rows (up to ACTIVITY), newest first. */
  activity: ActivityRow[];
  /** Total rows per table where the page may hold fewer. */
  totals: { agents: number; tasks: number; activity: number; messages: number; taskEvents: number };
};

const PAGE = 1000;
const MESSAGES = 300;
const ACTIVITY = 400;

// ---------------------------------------------------------------- where the indexer is

const SETTING = "stigmergy.indexer";

/**
 * The indexer's base URL: `?indexer=` in the page's address, else the one saved in this browser,
 * else the server that served the page (the indexer serves the dashboard itself).
 */
export function indexerUrl(): string {
  const param = new URLSearchParams(location.search).get("indexer");
  const saved = safeStorage()?.getItem(SETTING);
  const chosen = param || saved || location.origin;
  return chosen.replace(/\/+$/, "");
}

/** Saves (or, with an empty string, forgets) the indexer URL for this browser and reloads with it. */
export function chooseIndexer(url: string): void {
  const clean = url.trim().replace(/\/+$/, "");
  const storage = safeStorage();
  if (clean) storage?.setItem(SETTING, clean);
  else storage?.removeItem(SETTING);
  const next = new URL(location.href);
  if (clean) next.searchParams.set("indexer", clean);
  else next.searchParams.delete("indexer");
  location.assign(next.toString());
}

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- conversions

const big = (v: unknown): bigint => (v === null || v === undefined || v === "" ? 0n : BigInt(v as string));
const bigOrNull = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(v as string));
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const json = (v: unknown): Record<string, string> =>
  typeof v === "string" ? (JSON.parse(v) as Record<string, string>) : ((v ?? {}) as Record<string, string>);

type Raw = Record<string, unknown>;

/** Converts the named fields of every row to bigint (GraphQL sends BigInt as strings). */
function rows<T>(
  page: { items: Raw[] } | undefined,
  bigs: string[],
  nullableBigs: string[] = [],
  extra?: (r: Raw) => void,
): T[] {
  return (page?.items ?? []).map((r) => {
    const out: Raw = { ...r };
    for (const k of bigs) out[k] = big(r[k]);
    for (const k of nullableBigs) out[k] = bigOrNull(r[k]);
    extra?.(out);
    return out as T;
  });
}

// ---------------------------------------------------------------- the queries

const TASK_FIELDS =
  "id status poster capability specURI rewardToken reward maxReward claimBond minStake leaseDuration notBefore " +
  "deadline reviewWindow approver postedAt scheduleId round claimant attempt leaseExpiry leaseRemaining lockedReward " +
  "resultURI reviewDeadline handoffTo handoffAttempt updatedAt";
const TASK_BIGS = [
  "id",
  "reward",
  "maxReward",
  "claimBond",
  "minStake",
  "leaseDuration",
  "notBefore",
  "deadline",
  "reviewWindow",
  "postedAt",
  "scheduleId",
  "claimant",
  "leaseExpiry",
  "leaseRemaining",
  "lockedReward",
  "handoffTo",
  "updatedAt",
];
const ACTIVITY_FIELDS = "id contract event agentId groupId taskId args blockNumber logIndex timestamp txHash";
const AGENT_FIELDS = "id owner uri wallet capabilities registeredAt updatedAt";
const SLASH_FIELDS = "id agentId slasher amount recipient reason timestamp";
const GROUP_FIELDS =
  "id name creator epochDuration heartbeatTimeout minStake failoverSlash startTime leader term epoch lastHeartbeat " +
  "memberCount drawBlock drawEpoch drawTerm";
const TERM_FIELDS = "groupId term epoch agentId startedAt heartbeats failedOverBy";
const LOCK_FIELDS = "key holder fencingToken expiresAt updatedAt";
const PROPOSAL_FIELDS =
  "id groupId proposer descriptionURI options snapshot voteEnd quorumBps quorumVotes totalVotes finalized outcome";
const SCHEDULE_FIELDS = "id poster template firstAt interval count spawned cancelled";
const MESSAGE_FIELDS = "id kind channel toAgentId fromAgentId seq payload blockNumber timestamp";
const FEEDBACK_FIELDS = "agentId client feedbackIndex value valueDecimals tag1 tag2 revoked createdAt";

/**
 * The whole coordination state in one request (Ponder's GraphQL allows depth 8, 2,000 tokens, 30
 * aliases); with `chainId`, that chain's rows only.
 */
function snapshotQuery(chainId?: number): string {
  const on = chainId === undefined ? "" : `chainId: ${chainId}`;
  /** Arguments of a list: the chain (if any), other conditions, then the rest. */
  const args = (rest: string, where = "") => {
    const conditions = [on, where].filter(Boolean).join(", ");
    return conditions ? `where: {${conditions}}, ${rest}` : rest;
  };
  // `status` is a GraphQL enum (the indexer's taskStatus): its values are written unquoted.
  const counts = TASK_STATUSES.map((s) => `c_${s}: tasks(${args("limit: 1", `status: ${s}`)}) { totalCount }`).join(
    " ",
  );
  const byBlock = `orderBy: "blockNumber", orderDirection: "desc"`;
  const taskEvents = args(`limit: ${PAGE}, ${byBlock}`, `contract: "TaskBoard", taskId_gt: "0", event_not: "Credited"`);
  return `{
  _meta { status }
  agents(${args(`limit: ${PAGE}, orderBy: "id"`)}) { totalCount items { ${AGENT_FIELDS} } }
  stakes(${args(`limit: ${PAGE}`)}) { items { agentId active unbonding releaseAt slashed updatedAt } }
  electionConfigs(${args("limit: 1")}) { items { weightUnit } }
  slashs(${args(`limit: ${PAGE}, orderBy: "timestamp", orderDirection: "desc"`)}) { items { ${SLASH_FIELDS} } }
  groups(${args(`limit: ${PAGE}, orderBy: "id"`)}) { items { ${GROUP_FIELDS} } }
  groupMembers(${args(`limit: ${PAGE}`)}) { items { groupId agentId weight joinedAt } }
  terms(${args(`limit: ${PAGE}, orderBy: "startedAt", orderDirection: "desc"`)}) { items { ${TERM_FIELDS} } }
  ${counts}
  tasks(${args(`limit: ${PAGE}, orderBy: "id", orderDirection: "desc"`)}) { totalCount items { ${TASK_FIELDS} } }
  taskEvents: activitys(${taskEvents}) { totalCount items { ${ACTIVITY_FIELDS} } }
  locks(${args(`limit: ${PAGE}, orderBy: "updatedAt", orderDirection: "desc"`)}) { items { ${LOCK_FIELDS} } }
  proposals(${args(`limit: ${PAGE}, orderBy: "id", orderDirection: "desc"`)}) { items { ${PROPOSAL_FIELDS} } }
  votes(${args(`limit: ${PAGE}`)}) { items { proposalId agentId option weight timestamp } }
  schedules(${args(`limit: ${PAGE}, orderBy: "id"`)}) { items { ${SCHEDULE_FIELDS} } }
  credits(${args(`limit: ${PAGE}`)}) { items { account token amount } }
  channels(${args(`limit: ${PAGE}`)}) { items { id groupId name seq } }
  messages(${args(`limit: ${MESSAGES}, ${byBlock}`)}) { totalCount items { ${MESSAGE_FIELDS} } }
  feedbacks(${args(`limit: ${PAGE}, orderBy: "createdAt", orderDirection: "desc"`)}) { items { ${FEEDBACK_FIELDS} } }
  activitys(${args(`limit: ${ACTIVITY}, ${byBlock}`)}) { totalCount items { ${ACTIVITY_FIELDS} } }
}`;
}

/** Newest first within a block too (GraphQL orders by one column). */
const byChainOrderDesc = <T extends { blockNumber: bigint; logIndex: number }>(a: T, b: T) =>
  a.blockNumber === b.blockNumber ? b.logIndex - a.logIndex : a.blockNumber > b.blockNumber ? -1 : 1;

function toActivity(page: { items: Raw[] } | undefined): ActivityRow[] {
  return rows<ActivityRow>(page, ["blockNumber", "timestamp"], ["agentId", "groupId", "taskId"], (r) => {
    r.args = json(r.args);
    r.logIndex = num(r.logIndex);
  }).sort(byChainOrderDesc);
}

/** A task's event from its activity row (as REST /tasks/:id lists its history): name as kind, args as data. */
function toTaskEvent(r: Raw): void {
  const data = json(r.args);
  r.data = data;
  r.kind = r.event;
  r.attempt = data.attempt === undefined ? null : num(data.attempt);
  r.logIndex = num(r.logIndex);
  delete r.args;
  delete r.event;
  delete r.contract;
  delete r.groupId;
}

function toSnapshot(d: Record<string, unknown>, deployment: Deployment | null, chainId?: number): Snapshot {
  const page = (k: string) => d[k] as { items: Raw[]; totalCount?: number } | undefined;
  const status =
    (d._meta as { status?: Record<string, { id: number; block: { number: number; timestamp: number } }> } | undefined)
      ?.status ?? {};
  const chain = Object.values(status).find((c) => chainId === undefined || c.id === chainId);
  const taskCounts = Object.fromEntries(TASK_STATUSES.map((s) => [s, num(page(`c_${s}`)?.totalCount)])) as Record<
    TaskStatus,
    number
  >;
  const taskEvents = rows<TaskEventRow>(
    page("taskEvents"),
    ["taskId", "blockNumber", "timestamp"],
    ["agentId"],
    toTaskEvent,
  )
    .sort(byChainOrderDesc)
    .reverse();
  const messages = rows<MessageRow>(
    page("messages"),
    ["fromAgentId", "seq", "blockNumber", "timestamp"],
    ["toAgentId"],
  ).reverse();
  return {
    block: { number: BigInt(chain?.block.number ?? 0), timestamp: BigInt(chain?.block.timestamp ?? 0) },
    chainId: chain?.id ?? deployment?.chainId ?? 0,
    deployment,
    agents: rows<AgentRow>(page("agents"), ["id", "registeredAt", "updatedAt"]),
    stakes: new Map(
      rows<StakeRow>(page("stakes"), ["agentId", "active", "unbonding", "releaseAt", "slashed", "updatedAt"]).map(
        (s) => [s.agentId, s],
      ),
    ),
    slashes: rows<SlashRow>(page("slashs"), ["agentId", "amount", "timestamp"]),
    weightUnit: big(page("electionConfigs")?.items[0]?.weightUnit ?? 1_000_000_000n),
    groups: rows<GroupRow>(page("groups"), [
      "id",
      "epochDuration",
      "heartbeatTimeout",
      "minStake",
      "failoverSlash",
      "startTime",
      "leader",
      "term",
      "epoch",
      "lastHeartbeat",
      "drawBlock",
      "drawEpoch",
      "drawTerm",
    ]),
    members: rows<MemberRow>(page("groupMembers"), ["groupId", "agentId", "weight", "joinedAt"]),
    terms: rows<TermRow>(page("terms"), ["groupId", "term", "epoch", "agentId", "startedAt"]),
    taskCounts,
    tasks: rows<TaskRow>(page("tasks"), TASK_BIGS, ["reviewDeadline"]),
    taskEvents,
    locks: rows<LockRow>(page("locks"), ["holder", "fencingToken", "expiresAt", "updatedAt"]),
    proposals: rows<ProposalRow>(page("proposals"), [
      "id",
      "groupId",
      "snapshot",
      "voteEnd",
      "quorumVotes",
      "totalVotes",
    ]),
    votes: rows<VoteRow>(page("votes"), ["proposalId", "agentId", "weight", "timestamp"]),
    schedules: rows<ScheduleRow>(page("schedules"), ["id", "firstAt", "interval"], [], (r) => {
      r.template = json(r.template);
    }),
    credits: rows<CreditRow>(page("credits"), ["amount"]),
    channels: rows<ChannelRow>(page("channels"), ["groupId", "seq"]),
    messages,
    feedback: rows<FeedbackRow>(page("feedbacks"), ["agentId", "feedbackIndex", "value", "createdAt"]),
    activity: toActivity(page("activitys")),
    totals: {
      agents: num(page("agents")?.totalCount),
      tasks: num(page("tasks")?.totalCount),
      activity: num(page("activitys")?.totalCount),
      messages: num(page("messages")?.totalCount),
      taskEvents: num(page("taskEvents")?.totalCount),
    },
  };
}

// ---------------------------------------------------------------- requests

/** The indexer answered with an error, or could not be reached. */
export class IndexerError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

async function getJson<T>(base: string, path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { cache: "no-store" });
  } catch {
    throw new IndexerError(`the indexer at ${base} cannot be reached`);
  }
  const body = (await res.json().catch(() => undefined)) as (T & { reason?: string; field?: string }) | undefined;
  if (!res.ok)
    throw new IndexerError(
      `${path}: ${body?.field ? `${body.field} ` : ""}${body?.reason ?? `HTTP ${res.status}`}`,
      res.status,
    );
  return body as T;
}

async function graphql(
  base: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new IndexerError(`the indexer at ${base} cannot be reached`);
  }
  const body = (await res.json().catch(() => ({}))) as {
    data?: Record<string, unknown>;
    errors?: { message: string }[];
  };
  if (body.errors?.length) throw new IndexerError(`GraphQL: ${body.errors[0]!.message}`, res.status);
  if (!res.ok || !body.data) throw new IndexerError(`GraphQL answered HTTP ${res.status}`, res.status);
  return body.data;
}

/** `/readyz` (or `/healthz`): 200 or 503 with a JSON body that says why. */
export type Probe = {
  ok: boolean;
  reason?: string;
  chainHead?: number | null;
  indexedBlock?: number | null;
  behind?: number | null;
  rpc?: string;
};

async function probe(base: string, path: string): Promise<Probe> {
  const res = await fetch(`${base}${path}`, { cache: "no-store" });
  const body = (await res.json().catch(() => ({}))) as Probe & { status?: string };
  return { ...body, ok: res.ok };
}

/**
 * The chains the indexer follows (`GET /chains`), in its order; null when it does not say (an
 * indexer from before several chains). Rejects when the indexer cannot be reached.
 */
export async function readChains(base: string): Promise<ChainInfo[] | null> {
  let res: Response;
  try {
    res = await fetch(`${base}/chains`, { cache: "no-store" });
  } catch {
    throw new IndexerError(`the indexer at ${base} cannot be reached`);
  }
  if (!res.ok) return null;
  const body = (await res.json().catch(() => ({}))) as { chains?: { chainId: number; name: string }[] };
  return body.chains?.map((c) => ({ id: c.chainId, name: c.name })) ?? null;
}

// ---------------------------------------------------------------- reads on demand (detail views)

export type ActivityFilter = {
  agentId?: bigint;
  taskId?: bigint;
  groupId?: bigint;
  contract?: string;
  event?: string;
  events?: string[];
};

/**
 * Audit-log rows matching `filter` (on the source's chain), newest first (up to `limit`), and how many match in all.
 */
export async function readActivity(
  source: Source,
  filter: ActivityFilter,
  limit = 200,
): Promise<{ rows: ActivityRow[]; total: number }> {
  const where: string[] = [];
  const vars: Record<string, unknown> = {};
  const decl: string[] = [];
  const add = (field: string, type: string, value: unknown) => {
    where.push(`${field}: $${field}`);
    decl.push(`$${field}: ${type}`);
    vars[field] = typeof value === "bigint" ? value.toString() : value;
  };
  if (source.chain) add("chainId", "Int", source.chain.id);
  if (filter.agentId !== undefined) add("agentId", "BigInt", filter.agentId);
  if (filter.taskId !== undefined) add("taskId", "BigInt", filter.taskId);
  if (filter.groupId !== undefined) add("groupId", "BigInt", filter.groupId);
  if (filter.contract) add("contract", "String", filter.contract);
  if (filter.event) add("event", "String", filter.event);
  if (filter.events) {
    where.push("event_in: $events");
    decl.push("$events: [String]");
    vars.events = filter.events;
  }
  const paging = `limit: ${Math.min(limit, PAGE)}, orderBy: "blockNumber", orderDirection: "desc"`;
  const query = `query Activity${decl.length ? `(${decl.join(", ")})` : ""} {
    activitys(where: {${where.join(", ")}}, ${paging}) { totalCount items { ${ACTIVITY_FIELDS} } }
  }`;
  const data = await graphql(source.base, query, vars);
  const page = data.activitys as { items: Raw[]; totalCount: number };
  return { rows: toActivity(page), total: page.totalCount };
}

/** A task and its whole history (REST `GET /tasks/:id`), oldest event first; null if not indexed. */
export async function readTask(source: Source, id: bigint): Promise<{ task: TaskRow; history: TaskEventRow[] } | null> {
  try {
    const body = await getJson<{ task: Raw; history: Raw[] }>(source.base, `/tasks/${id}${chainParam(source)}`);
    const [task] = rows<TaskRow>({ items: [body.task] }, TASK_BIGS, ["reviewDeadline"]);
    const history = rows<TaskEventRow>(
      { items: body.history },
      ["taskId", "blockNumber", "timestamp"],
      ["agentId"],
      (r) => {
        r.data = json(r.data);
      },
    );
    return { task: task!, history };
  } catch (error) {
    if (error instanceof IndexerError && error.status === 404) return null;
    throw error;
  }
}

/** The TaskBoard's books on chain, per token (`GET /escrow`). */
export async function readEscrow(source: Source): Promise<EscrowBooks> {
  const body = await getJson<{
    block: string;
    taskBoard: Hex;
    tokens: { token: Hex; balance: string; escrowed: string; credits: string }[];
  }>(source.base, `/escrow${chainParam(source)}`);
  return {
    block: BigInt(body.block),
    taskBoard: body.taskBoard,
    tokens: body.tokens.map((t) => ({
      token: t.token,
      balance: BigInt(t.balance),
      escrowed: BigInt(t.escrowed),
      credits: BigInt(t.credits),
    })),
  };
}

// ---------------------------------------------------------------- the live connection

export type Health =
  | { state: "connecting" }
  | { state: "unreachable"; reason: string }
  | { state: "not-ready"; reason: string; probe: Probe }
  | { state: "ready"; probe: Probe };

export type LiveState = {
  base: string;
  /** The chain this connection reads, when the indexer follows several (undefined: its only chain). */
  chain: ChainInfo | undefined;
  health: Health;
  /** Whether the change stream is open (pushes arrive). */
  streaming: boolean;
  snapshot: Snapshot | undefined;
  /** The last read failure, if the last read failed. */
  error: string | undefined;
  /** Timing of the latest change: when the signal arrived and when its snapshot was drawn from. */
  lastSignalAt: number | undefined;
  lastLoadMs: number | undefined;
  /** Signals received since the page opened. */
  signals: number;
  /** Bumped on every change signal, so detail views re-read what they show. */
  revision: number;
  /** Chain seconds minus wall seconds, learned from indexed blocks (local nodes run ahead). */
  clockOffset: number;
};

/** The change signal: the newest audit-log row (of one chain, with `chainId`). */
const signalSql = (chainId?: number) =>
  `select id from activity ${chainId === undefined ? "" : `where chain_id = ${chainId} `}` +
  "order by block_number desc, log_index desc limit 1";

export type Live = {
  state: () => LiveState;
  subscribe: (listener: (state: LiveState) => void) => () => void;
  /** Chain time now, in seconds (the latest block's clock carried forward by the wall clock). */
  chainNow: () => number;
  stop: () => void;
};

/**
 * Connects to the indexer at `base` (about `chain`, one of the several it follows, if given): probes
 * it, opens the change stream and keeps the snapshot current.
 */
export function connect(base: string, chain?: ChainInfo): Live {
  let state: LiveState = {
    base,
    chain,
    health: { state: "connecting" },
    streaming: false,
    snapshot: undefined,
    error: undefined,
    lastSignalAt: undefined,
    lastLoadMs: undefined,
    signals: 0,
    revision: 0,
    clockOffset: Number.NEGATIVE_INFINITY,
  };
  const listeners = new Set<(s: LiveState) => void>();
  const set = (patch: Partial<LiveState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l(state);
  };
  let stopped = false;
  let source: EventSource | undefined;
  let retryTimer: number | undefined;
  let retryMs = 500;
  let loading = false;
  let again = false;
  let pendingSignalAt: number | undefined;

  /** Learns how far the chain's clock runs ahead of this computer's from an indexed block. */
  const learnClock = (timestamp: number) => {
    const offset = timestamp - Date.now() / 1000;
    if (timestamp > 0 && offset > state.clockOffset) set({ clockOffset: offset });
  };

  const checkHealth = async (): Promise<boolean> => {
    try {
      // Ponder's /status: the indexed block, whose clock moves even when no event says so.
      void getJson<Record<string, { id?: number; block?: { timestamp: number } }>>(base, "/status").then(
        (status) => learnClock(Object.values(status).find((c) => !chain || c.id === chain.id)?.block?.timestamp ?? 0),
        () => {},
      );
      const ready = await probe(base, chain ? `/readyz?chain=${chain.id}` : "/readyz");
      if (ready.ok) set({ health: { state: "ready", probe: ready } });
      else
        set({
          health: { state: "not-ready", reason: ready.reason ?? "the indexer says it is not ready", probe: ready },
        });
      return true;
    } catch {
      set({ health: { state: "unreachable", reason: `no answer from ${base}` }, streaming: false });
      return false;
    }
  };

  let deployment: Deployment | null | undefined;
  const query = snapshotQuery(chain?.id);
  const load = async () => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    const signalAt = pendingSignalAt;
    pendingSignalAt = undefined;
    const started = performance.now();
    try {
      if (deployment === undefined)
        deployment = await getJson<Deployment>(base, `/deployment${chainParam(state)}`).catch(() => null);
      void checkHealth(); // beside the read, not in its way
      const data = await graphql(base, query);
      const snapshot = toSnapshot(data, deployment, chain?.id);
      learnClock(Number(snapshot.block.timestamp));
      set({
        snapshot,
        error: undefined,
        lastSignalAt: signalAt ?? state.lastSignalAt,
        lastLoadMs: signalAt === undefined ? state.lastLoadMs : performance.now() - started,
        revision: state.revision + 1,
      });
    } catch (error) {
      set({ error: (error as Error).message });
    } finally {
      loading = false;
      if (again && !stopped) {
        again = false;
        void load();
      }
    }
  };

  const open = () => {
    retryTimer = undefined;
    if (stopped) return;
    const sql = encodeURIComponent(JSON.stringify({ json: { sql: signalSql(chain?.id), params: [] } }));
    const current = new EventSource(`${base}/sql/live?sql=${sql}`);
    source = current;
    current.onopen = () => {
      retryMs = 500;
      set({ streaming: true });
      void load(); // the stream pushes only changes from now on: read the state once
    };
    current.onmessage = () => {
      pendingSignalAt ??= performance.now();
      set({ signals: state.signals + 1 });
      void load();
    };
    current.onerror = () => {
      // EventSource retries by itself only on some failures; take over with a growing delay.
      current.close();
      if (source !== current || stopped) return;
      set({ streaming: false });
      void checkHealth();
      retryTimer = window.setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 8_000);
    };
  };

  // A chain that stops answering sends no event: look at /readyz now and then while quiet.
  const healthTimer = window.setInterval(() => void checkHealth(), 15_000);
  void checkHealth().then(() => {
    void load();
    open();
  });

  return {
    state: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    chainNow: () => Date.now() / 1000 + (Number.isFinite(state.clockOffset) ? state.clockOffset : 0),
    stop: () => {
      stopped = true;
      source?.close();
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      clearInterval(healthTimer);
    },
  };
}
