/**
 * The live terminal view of a run, drawn from the indexer's picture of the swarm on each chain
 * (live.ts) and the orchestrator's knowledge of its processes (alive or killed). On a TTY it
 * redraws one compact screen after every change; elsewhere (CI logs) it prints one line per
 * notable event and a status line every few seconds (one per chain, named, when there are several).
 */
import { formatEther, type Hex, hexToString, keccak256, stringToHex, zeroHash } from "viem";
import { payloadText } from "../../sdk/src/index.ts";
import { type ActivityRow, acceptedTasks, failovers, postedTasks, type SwarmState } from "./live.ts";
import { CAPABILITIES } from "./plan.ts";
import type { AgentStats } from "./protocol.ts";

export type ProcessState = "starting" | "ready" | "killed" | "exited" | "crashed";

/** What the orchestrator knows of one agent process. */
export type ViewAgent = {
  index: number;
  name: string;
  capabilities: string[];
  /** Its agent id on the run's first chain. */
  agentId: bigint | undefined;
  /** Its agent id on each chain, by chain id. */
  ids: Map<number, bigint>;
  state: ProcessState;
  pid: number | undefined;
  /** Its counts over every chain, and on each. */
  stats: AgentStats;
  statsByChain: Map<number, AgentStats>;
};

/** One chain of the run, as the view shows it. */
export type ViewChain = { name: string; chainId: number; state: SwarmState };

export type ViewOptions = {
  tty: boolean;
  /** The run's chains; with several, every line and section names its chain. */
  chains: ViewChain[];
  agents: () => ViewAgent[];
  /** Tasks the leaders post on each chain. */
  tasks: number;
  started: number;
  write: (text: string) => void;
  /** The dashboard's URL, shown under the title line. */
  dashboard?: string;
  /** Seconds between status lines when not on a TTY. */
  statusEveryS?: number;
};

export type View = {
  /** The state changed: redraw (TTY). */
  changed: () => void;
  /** An orchestrator message. */
  note: (text: string) => void;
  /** A notable indexed event on `chain`. */
  activity: (row: ActivityRow, chain: ViewChain) => void;
  /** Stops drawing (the cursor comes back). */
  stop: () => void;
};

const elapsed = (started: number) => {
  const s = Math.floor((Date.now() - started) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

const quote = (payload: string, max = 90) => {
  const text = payloadText(payload as Hex);
  return `"${text.length > max ? `${text.slice(0, max - 1)}…` : text}"`;
};

const bytes32Text = (hex: string) => {
  try {
    return hexToString(hex as Hex, { size: 32 }).replace(/\0+$/, "");
  } catch {
    return hex;
  }
};

/** The `name` in a registration file inlined as a data URI (what swarm agents register with). */
function registeredName(uri: string | undefined): string | undefined {
  const match = /^data:application\/json;base64,(.+)$/.exec(uri ?? "");
  if (!match) return undefined;
  try {
    return (JSON.parse(Buffer.from(match[1]!, "base64").toString("utf8")) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/** "#3 curie" for agent ids the swarm knows (ids on `chainId`, else on the first chain). */
export function agentNamer(agents: () => ViewAgent[], chainId?: number) {
  return (id: bigint | string | null | undefined) => {
    if (id === null || id === undefined) return "?";
    const n = BigInt(id);
    const a = agents().find((x) => (chainId === undefined ? x.agentId : x.ids.get(chainId)) === n);
    return a ? `#${n} ${a.name}` : `#${n}`;
  };
}

/** One line for a notable event, or undefined to skip it. */
export function describe(
  row: ActivityRow,
  name: (id: bigint | string | null | undefined) => string,
): string | undefined {
  const a = row.args;
  switch (row.event) {
    case "Registered":
      return (
        `#${a.agentId} ${registeredName(a.agentURI) ?? ""} registered: ` +
        "ERC-8004 identity, registration file as a data URI"
      );
    case "MemberJoined":
      return `${name(a.agentId)} joined group ${a.groupId} with weight ${a.weight}`;
    case "GroupCreated":
      return `group ${a.groupId} created by the orchestrator`;
    case "ChannelRestricted":
      return `the group's channel is restricted to its members`;
    case "LeaderElected":
      return `★ ${name(a.agentId)} is the leader · term ${a.term} · epoch ${a.epoch}`;
    case "LeaderFailedOver":
      return `⚠ leader ${name(a.agentId)} failed over after missing its heartbeats (term ${a.term} ends)`;
    case "Slashed":
      return `${name(a.agentId)} slashed ${formatEther(BigInt(a.amount ?? 0))} STK (${bytes32Text(a.reason ?? "")})`;
    case "ScheduleCreated":
      return `schedule ${a.scheduleId}: ${a.count} rounds every ${a.interval} s`;
    case "TaskRejected":
      return `task ${a.taskId} rejected (attempt ${a.attempt} by ${name(a.agentId)}): it reopens`;
    case "TaskReclaimed":
      return `task ${a.taskId} reclaimed from ${name(a.agentId)} (lease lapsed)`;
    case "TaskHandedOff":
      return `task ${a.taskId} handed off ${name(a.fromAgentId)} → ${name(a.toAgentId)}`;
    case "TaskEscalated":
      return `task ${a.taskId} escalated to the human approver by ${name(a.agentId)}`;
    case "EscalationResolved":
      return (
        `the human approver answered task ${a.taskId}: ` +
        `${a.resume === "true" || (a.resume as unknown) === true ? "go on" : "drop it"}`
      );
    case "TaskExpired":
    case "TaskCancelled":
      return (
        `task ${a.taskId} ${row.event === "TaskExpired" ? "expired" : "cancelled"}, ` +
        `${formatEther(BigInt(a.refund ?? 0))} ETH refunded`
      );
    case "ChannelMessage":
      return `📣 ${name(a.from)}: ${quote(a.payload ?? "0x")}`;
    case "DirectMessage":
      return `✉ ${name(a.from)} → ${name(a.to)}: ${quote(a.payload ?? "0x")}`;
    case "LockAcquired":
      return `🔒 ${name(a.agentId)} holds the shared ledger (fencing token ${a.fencingToken})`;
    default:
      return undefined;
  }
}

const CAPABILITY_NAMES = new Map<string, string>([
  [zeroHash, "any"],
  ...CAPABILITIES.map((c) => [keccak256(stringToHex(c)), c] as [string, string]),
]);

/** One line for the everyday events too (the TTY's recent pane), else the event's name. */
export function detail(row: ActivityRow, name: (id: bigint | string | null | undefined) => string): string {
  const a = row.args;
  switch (row.event) {
    case "TaskPosted":
      return (
        `task ${a.taskId} posted (${CAPABILITY_NAMES.get(String(a.capability)) ?? "capability"}` +
        `${a.scheduleId && a.scheduleId !== "0" ? `, schedule round ${a.round}` : ""})`
      );
    case "TaskClaimed":
      return (
        `task ${a.taskId} claimed by ${name(a.agentId)} ` +
        `(attempt ${a.attempt}, reward ${formatEther(BigInt(a.lockedReward ?? 0))} ETH)`
      );
    case "LeaseRenewed":
      return `${name(a.agentId)} renewed its lease on task ${a.taskId}`;
    case "TaskSubmitted":
      return `task ${a.taskId} submitted by ${name(a.agentId)}`;
    case "TaskAccepted":
      return (
        `task ${a.taskId} accepted` +
        `${a.byPoster === "false" || (a.byPoster as unknown) === false ? " (review window passed)" : ""}: ` +
        `${name(a.agentId)} earns ${formatEther(BigInt(a.reward ?? 0))} ETH`
      );
    case "NewFeedback":
      return `reputation: ${name(a.agentId)} ${a.value} (${a.tag1}/${a.tag2})`;
    case "LockReleased":
      return `🔓 ${name(a.agentId)} released the shared ledger`;
    case "Staked":
      return `${name(a.agentId)} staked ${formatEther(BigInt(a.amount ?? 0))} STK`;
    case "CapabilitiesSet":
      return (
        `${name(a.agentId)} declared ` +
        `${(a.caps as unknown as string[]).map((c) => CAPABILITY_NAMES.get(c) ?? c.slice(0, 10)).join(", ")}`
      );
    default:
      return (
        describe(row, name) ??
        `${row.contract}.${row.event}${row.taskId !== null ? ` task ${row.taskId}` : ""}` +
          `${row.agentId !== null ? ` ${name(row.agentId)}` : ""}`
      );
  }
}

/** "open 3 · claimed 2 · …" for the statuses present. */
const statusCounts = (m: Map<string, number>) =>
  ["open", "claimed", "escalated", "submitted", "accepted", "cancelled", "expired"]
    .filter((s) => (m.get(s) ?? 0) > 0)
    .map((s) => `${s} ${m.get(s)}`)
    .join(" · ") || "none";

/** The one-line status of the run on `chain` (named when the run has several). */
export function statusLine(o: ViewOptions, chain: ViewChain = o.chains[0]!): string {
  const s = chain.state;
  const several = o.chains.length > 1;
  const name = agentNamer(o.agents, chain.chainId);
  const alive = o.agents().filter((a) => a.state === "ready").length;
  const leader = s.group?.leader ? `leader ${name(s.group.leader)} (term ${s.group.term})` : "no leader yet";
  const rounds = s.tasks.rounds.size ? ` · rounds: ${statusCounts(s.tasks.rounds)}` : "";
  return (
    `[${elapsed(o.started)}] ${several ? `${chain.name} · ` : ""}${leader} · ` +
    `tasks ${acceptedTasks(s)}/${o.tasks} done, ` +
    `${postedTasks(s)} posted (${statusCounts(s.tasks.direct)})${rounds} · ` +
    `agents ${alive}/${o.agents().length} alive · messages ${s.messages.channel + s.messages.direct}`
  );
}

function screen(o: ViewOptions, notes: string[]): string {
  const several = o.chains.length > 1;
  const lines = [
    `Stigmergy swarm · ${elapsed(o.started)} · ${o.agents().length} agents · ` +
      `${o.tasks} tasks${several ? ` on each of ${o.chains.length} chains` : ""}   (Ctrl-C stops)`,
    ...(o.dashboard ? [`Dashboard: ${o.dashboard}`] : []),
    "",
  ];
  const first = o.chains[0]!;
  if (!several) lines.push(...leaderLines(o, first));
  lines.push("", "AGENTS");
  for (const a of o.agents()) {
    if (!several) {
      const stake = a.agentId === undefined ? undefined : first.state.stakes.get(a.agentId);
      const role = a.state !== "ready" ? a.state : a.agentId === first.state.group?.leader ? "leader" : "worker";
      lines.push(
        `  ${(a.agentId === undefined ? "#?" : `#${a.agentId}`).padEnd(4)} ${a.name.padEnd(10)} ` +
          `${a.capabilities.join(",").padEnd(16)} stake ${(stake ? formatEther(stake.active) : "-").padStart(5)}  ` +
          `${role.padEnd(8)} claims ${String(a.stats.claims).padStart(3)}  tx ${String(a.stats.writes).padStart(4)}`,
      );
      continue;
    }
    // Per chain: its id there, its role there, its claims and transactions there.
    const perChain = o.chains.map((c) => {
      const id = a.ids.get(c.chainId);
      const role =
        a.state !== "ready" ? a.state : id !== undefined && id === c.state.group?.leader ? "leader" : "worker";
      const stats = a.statsByChain.get(c.chainId);
      return (
        `${c.name} ${(id === undefined ? "#?" : `#${id}`).padEnd(4)} ${role.padEnd(7)} ` +
        `claims ${String(stats?.claims ?? 0).padStart(3)} tx ${String(stats?.writes ?? 0).padStart(4)}`
      );
    });
    lines.push(`  ${a.name.padEnd(10)} ${a.capabilities.join(",").padEnd(16)} ${perChain.join("  │ ")}`);
  }
  if (!several) {
    lines.push(...taskLines(o, first), "", "RECENT (indexer)");
    for (const r of first.state.recent.slice(0, 10))
      lines.push(`  blk ${String(r.blockNumber).padStart(5)}  ${detail(r, agentNamer(o.agents))}`);
  } else {
    for (const c of o.chains) {
      lines.push(
        "",
        `── ${c.name} (chain ${c.chainId}) ${"─".repeat(60)}`,
        ...leaderLines(o, c),
        ...taskLines(o, c),
        "RECENT (indexer)",
      );
      for (const r of c.state.recent.slice(0, 5))
        lines.push(`  blk ${String(r.blockNumber).padStart(5)}  ${detail(r, agentNamer(o.agents, c.chainId))}`);
    }
  }
  if (notes.length) lines.push("", ...notes.slice(-5));
  return lines.join("\n");
}

/** A chain's leader line and its failed-over terms. */
function leaderLines(o: ViewOptions, chain: ViewChain): string[] {
  const name = agentNamer(o.agents, chain.chainId);
  const g = chain.state.group;
  return [
    g?.leader
      ? `LEADER  ${name(g.leader)} · term ${g.term} · epoch ${g.epoch} · ` +
        `heartbeat due by ${new Date(Number(g.lastHeartbeat + g.heartbeatTimeout) * 1000).toLocaleTimeString()}`
      : g && g.term > 0n
        ? "LEADER  vacant: the redraw is being settled"
        : "LEADER  none yet",
    ...failovers(chain.state).map((t) => `        term ${t.term}: ${name(t.agentId)} failed over`),
  ];
}

/** A chain's task, round and message counts. */
function taskLines(o: ViewOptions, chain: ViewChain): string[] {
  const s = chain.state;
  const lines = [
    "",
    `TASKS   ${acceptedTasks(s)}/${o.tasks} accepted · ${postedTasks(s)} posted · ${statusCounts(s.tasks.direct)}`,
  ];
  if (s.tasks.rounds.size) lines.push(`ROUNDS  ${statusCounts(s.tasks.rounds)}`);
  lines.push(`MESSAGES ${s.messages.channel} on the channel · ${s.messages.direct} direct`);
  return lines;
}

export function createView(o: ViewOptions): View {
  const several = o.chains.length > 1;
  const notes: string[] = [];
  if (o.tty) {
    let timer: NodeJS.Timeout | undefined;
    const draw = () => {
      timer = undefined;
      o.write(`\x1b[H\x1b[2J${screen(o, notes)}\n`);
    };
    /** Draws in 150 ms unless a draw is already due, so a burst of changes makes one. */
    const drawSoon = () => {
      timer ??= setTimeout(draw, 150);
    };
    o.write("\x1b[?25l");
    const clock = setInterval(drawSoon, 1_000); // the elapsed time moves on
    return {
      changed: drawSoon,
      note: (text) => {
        notes.push(`[${elapsed(o.started)}] ${text}`);
        drawSoon();
      },
      activity: drawSoon,
      stop: () => {
        clearInterval(clock);
        if (timer) clearTimeout(timer);
        draw();
        o.write("\x1b[?25h");
      },
    };
  }
  const last = new Map<number, string>();
  const status = setInterval(
    () => {
      for (const chain of o.chains) {
        const line = statusLine(o, chain);
        const rest = line.slice(line.indexOf("]"));
        if (rest !== last.get(chain.chainId)) o.write(`${line}\n`);
        last.set(chain.chainId, rest);
      }
    },
    (o.statusEveryS ?? 5) * 1000,
  );
  return {
    changed: () => {},
    note: (text) => o.write(`[${elapsed(o.started)}] ${text}\n`),
    activity: (row, chain) => {
      const text = describe(row, agentNamer(o.agents, several ? chain.chainId : undefined));
      if (text) o.write(`[${elapsed(o.started)}] ${several ? `${chain.name} ` : ""}blk ${row.blockNumber}  ${text}\n`);
    },
    stop: () => clearInterval(status),
  };
}
