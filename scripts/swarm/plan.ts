/**
 * What a swarm run does, decided before it starts and read the same way by every process: the
 * command-line options, the agents' profiles (name, capabilities, stake, role), the timing and
 * money of tasks, and the task plan (which task needs the shared-ledger lock, which one is handed
 * off, which one is escalated to the human approver, which ones the leader rejects once).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseEther } from "viem";
import { DEPLOYMENTS_DIR } from "../lib/deploy.ts";

/** Agents are mnemonic accounts 1..N; the orchestrator (the human approver) is account 0. */
export const MAX_AGENTS = 64;

export const USAGE = `Usage: npm start [-- options]

Starts a local chain (Hardhat node with interval mining), deploys Stigmergy, starts the indexer
(Ponder on PGlite) and runs a swarm of agent processes, each with its own key and capabilities.
They register, stake, join a group and elect a leader; the leader posts tasks in waves, a
schedule and instructions; workers claim, renew leases, take a shared lock and submit; one task
is handed off and one escalated to a human approver (played by this command). Midway the
leader's process is killed: the others fail it over, a new leader takes the work to the end.
A live view follows the indexer; a summary closes the run, then the endpoints stay up until
Ctrl-C.

Options:
  --chains N       1 (default) or 2: two local nodes, an l1 chain (31337) and an OP-stack op
                   chain (31338), each with the whole deployment; one indexer follows both, every
                   agent has an identity on each, each chain elects its leader and gets its tasks,
                   and workers claim on both
  --cut-chain C@S[+D]
                   with --chains 2: S seconds after the first leaders are drawn, cut chain C's node
                   (l1 or op) off from everyone for D seconds (default 20), then restore it
  --agents N       agent processes (default 8, at least 3, at most ${MAX_AGENTS})
  --tasks M        tasks the leaders post on each chain (default 40, at least 4)
  --block-ms MS    the node mines a block every MS milliseconds (default 1000, at least 1000)
  --once           exit after the run: status 0 if it was correct, 1 if not
  --hold           with --once: keep the chain and indexer up until stdin closes
  --timeout S      give up on a run still going after S seconds (default 300 per chain)
  -h, --help       show this text

Environment:
  STIGMERGY_RPC_PORT         port of the node (default 8545; with --chains 2 the op node takes the next one)
  STIGMERGY_INDEXER_PORT     port of the indexer's API (default 42069)
  STIGMERGY_DEPLOYMENTS_DIR  where deployments/<chainId>.json is written (default deployments/)`;

/** The local chains a run can start, in order: `--chains 1` runs the first. */
export const CHAIN_NAMES = ["l1", "op"] as const;
export type ChainName = (typeof CHAIN_NAMES)[number];

/** `--cut-chain`: the chain whose node is cut off, when (seconds after the first leaders) and for how long. */
export type ChainCut = { chain: ChainName; atS: number; forS: number };

export type SwarmOptions = {
  /** The chains this run starts (one: `l1`, as always; two: `l1` and `op`). */
  chains: ChainName[];
  cut: ChainCut | undefined;
  agents: number;
  tasks: number;
  blockMs: number;
  once: boolean;
  hold: boolean;
  timeoutS: number;
  rpcPort: number;
  indexerPort: number;
  deploymentsDir: string;
};

/** A command line or environment value that cannot be used; the message says what to change. */
export class UsageError extends Error {
  override name = "UsageError";
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n))
    throw new UsageError(`${name} must be a whole number, got "${raw}"`);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** The flags of `npm start -- …`, as parseArgs reads them. Throws {@link UsageError} on a bad one. */
function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        chains: { type: "string" },
        "cut-chain": { type: "string" },
        agents: { type: "string" },
        tasks: { type: "string" },
        "block-ms": { type: "string" },
        once: { type: "boolean" },
        hold: { type: "boolean" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\.$/, "")}. See npm start -- --help`);
  }
}

/** The options of `npm start -- …`, or "help". Throws {@link UsageError} on anything unusable. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): SwarmOptions | "help" {
  const values = parseFlags(argv);
  if (values.help) return "help";
  if (values.hold && !values.once)
    throw new UsageError("--hold keeps the chain and indexer of a finished --once run up: add --once");
  const chains = parseChains(values.chains);
  const cut = values["cut-chain"] === undefined ? undefined : parseCut(values["cut-chain"], chains);
  return {
    chains,
    cut,
    agents: integer("--agents", values.agents, 8, 3, MAX_AGENTS),
    tasks: integer("--tasks", values.tasks, 40, 4, 1_000),
    // Block timestamps are whole seconds: faster blocks would make chain time outrun the clock.
    blockMs: integer("--block-ms", values["block-ms"], 1_000, 1_000, 10_000),
    once: values.once ?? false,
    hold: values.hold ?? false,
    timeoutS: integer("--timeout", values.timeout, 300 * chains.length, 10, 86_400),
    rpcPort: integer("STIGMERGY_RPC_PORT", env.STIGMERGY_RPC_PORT, 8545, 1, 65_535),
    indexerPort: integer("STIGMERGY_INDEXER_PORT", env.STIGMERGY_INDEXER_PORT, 42069, 1, 65_535),
    deploymentsDir: env.STIGMERGY_DEPLOYMENTS_DIR ?? DEPLOYMENTS_DIR,
  };
}

/** `--chains`: 1 or 2 (the local chains, CHAIN_NAMES, in order). */
function parseChains(raw: string | undefined): ChainName[] {
  if (raw === undefined) return [CHAIN_NAMES[0]];
  const n = raw.trim();
  if (n !== "1" && n !== "2")
    throw new UsageError(`--chains must be 1 or 2 (the local l1 chain, or l1 and an OP-stack op chain), got "${raw}"`);
  return CHAIN_NAMES.slice(0, Number(n));
}

/** `--cut-chain C@S[+D]`. */
function parseCut(raw: string, chains: ChainName[]): ChainCut {
  const match = /^([a-z0-9]+)@(\d+)(?:\+(\d+))?$/.exec(raw.trim());
  if (!match)
    throw new UsageError(`--cut-chain must be CHAIN@SECONDS or CHAIN@SECONDS+DURATION (e.g. op@30+20), got "${raw}"`);
  const [, chain, at, duration] = match;
  if (chains.length < 2)
    throw new UsageError("--cut-chain cuts one of several chains off while the others work: add --chains 2");
  if (!chains.includes(chain as ChainName))
    throw new UsageError(`--cut-chain: this run's chains are ${chains.join(" and ")}, not "${chain}"`);
  const forS = integer("--cut-chain's duration", duration, 20, 1, 600);
  return { chain: chain as ChainName, atS: integer("--cut-chain's start", at, 0, 0, 3_600), forS };
}

/** The deployment file a run writes and reads. */
export const deploymentPath = (options: SwarmOptions, chainId: number) =>
  join(options.deploymentsDir, `${chainId}.json`);

// ---------------------------------------------------------------- timing and money

/** Seconds and milliseconds the swarm runs on; scaled so that slow blocks never fake a dead leader. */
export function timing(blockMs: number) {
  const block = Math.ceil(blockMs / 1000);
  return {
    /** A leader silent this long may be failed over (it beats every third of it). */
    heartbeatTimeoutS: Math.max(8, 6 * block),
    epochS: 86_400,
    /** At least TaskBoard's MIN_LEASE_DURATION (30 s). */
    leaseS: Math.max(30, 10 * block),
    /** After this, anyone (the next leader) may accept a submission its poster never reviewed. */
    reviewWindowS: Math.max(12, 6 * block),
    workMs: { min: 1_000, max: 2_500 },
    ledgerHoldMs: 300,
    approverThinkMs: 1_500,
    handoffWaitMs: 30_000,
    escalationWaitMs: 60_000,
    schedule: { firstInS: 10, intervalS: Math.max(8, 4 * block), rounds: 3, windowS: 90 },
  };
}

export type Timing = ReturnType<typeof timing>;

export const MONEY = {
  /** Per task: the reward starts at `reward` and rises to `maxReward` at the deadline. */
  reward: parseEther("0.01"),
  maxReward: parseEther("0.02"),
  claimBond: parseEther("0.001"),
  /** Stake-token amounts. */
  minStake: parseEther("50"),
  failoverSlash: parseEther("10"),
} as const;

// ---------------------------------------------------------------- agents

export const CAPABILITIES = ["research", "code", "review"] as const;

const NAMES = [
  "ada",
  "babbage",
  "curie",
  "darwin",
  "euler",
  "faraday",
  "gauss",
  "hopper",
  "jemison",
  "kepler",
  "lamarr",
  "meitner",
  "noether",
  "ostrom",
  "pascal",
  "ramanujan",
  "shannon",
  "turing",
  "volta",
  "wu",
];

export type AgentProfile = {
  /** 0-based position in the swarm. */
  index: number;
  /** Account index in the development mnemonic (1..N). */
  addressIndex: number;
  name: string;
  capabilities: string[];
  /** Stake-token amount it stakes (its election weight). */
  stake: bigint;
  role: string;
};

/** N agents, each with two of the three capabilities (every pair of neighbours differs) and its own stake. */
export function agentProfiles(count: number): AgentProfile[] {
  return Array.from({ length: count }, (_, index) => {
    const capabilities = [CAPABILITIES[index % 3]!, CAPABILITIES[(index + 1) % 3]!];
    const name = NAMES[index] ?? `agent-${index + 1}`;
    return {
      index,
      addressIndex: index + 1,
      name,
      capabilities,
      stake: parseEther(String(100 + 25 * (index % 5))),
      role:
        `${name}: a swarm agent that does ${capabilities.join(" and ")} work, ` +
        "leads when elected, and fails over a silent leader",
    };
  });
}

// ---------------------------------------------------------------- tasks

/** The task that is handed off to another agent and the one escalated to the human approver. */
export const HANDOFF_SEQ = 2;
export const ESCALATE_SEQ = 3;

export type TaskPlan = {
  /** 1..M for posted tasks; 0 for schedule rounds. */
  seq: number;
  /** The step of this task goes through the `shared-ledger` lock. */
  ledger: boolean;
  /** The leader rejects the first submission (the task reopens and is done again). */
  rejectOnce: boolean;
  handoff: boolean;
  escalate: boolean;
};

export const taskURI = (seq: number) => `swarm://task/${seq}`;
export const ROUND_URI = "swarm://round";

/** The plan of task `seq` (1-based). */
export function taskPlan(seq: number): TaskPlan {
  return {
    seq,
    ledger: seq % 4 === 1,
    rejectOnce: seq % 7 === 5,
    handoff: seq === HANDOFF_SEQ,
    escalate: seq === ESCALATE_SEQ,
  };
}

/** The plan of a task from its spec URI (schedule rounds and unknown URIs get a plain plan). */
export function planOf(specURI: string): TaskPlan {
  const match = /^swarm:\/\/task\/(\d+)$/.exec(specURI);
  return match
    ? taskPlan(Number(match[1]))
    : { seq: 0, ledger: false, rejectOnce: false, handoff: false, escalate: false };
}

/** How many tasks a leader posts at once. */
export const waveSize = (tasks: number) => Math.max(3, Math.ceil(tasks / 5));

/** The accepted count (of posted tasks) at which the orchestrator kills the leader. */
export const killAt = (tasks: number) => Math.ceil(tasks / 2);
