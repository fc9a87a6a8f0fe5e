/**
 * The orchestrator behind `npm start`: a local Hardhat node with interval mining (with
 * `--chains 2`, two: an `l1` and an OP-stack `op` chain), the deployment on each, the indexer on
 * PGlite in a fresh directory (one, following every chain), the swarm's group and channel on each
 * chain, then N agent processes (each with an identity on every chain). While they work it draws
 * the live view from the indexer, answers escalations as the human approver, kills the first
 * chain's leader's process midway and, with `--cut-chain`, cuts one chain's node off for a while.
 * When every task is settled it stops the agents, prints the summary (side by side with several
 * chains; with --once, the checks and the exit status), then keeps the endpoints up until Ctrl-C.
 * Ctrl-C (SIGINT) or SIGTERM stops everything at any time.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { followChain } from "@stigmergy/contracts";
import { type Hex, numberToHex, parseEther } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { type Agent, createAgent, type Deployment, parseDeployment } from "../../sdk/src/index.ts";
import { waitForIndexer, waitForMined } from "../lib/oracle.ts";
import {
  HARDHAT_BIN,
  portInUse,
  type RunningIndexer,
  type RunningNode,
  runToEnd,
  startHardhatNode,
  startIndexer,
} from "../lib/processes.ts";
import { startTcpProxy, type TcpProxy } from "../lib/proxy.ts";
import { rpc } from "../lib/tasks.ts";
import { MNEMONIC } from "../lib/workload.ts";
import { type Check, checkRun, formatChecks } from "./checks.ts";
import { type AgentProcess, killAgent, spawnAgent, stopAgents } from "./fleet.ts";
import {
  acceptedTasks,
  failovers,
  followSwarm,
  postedTasks,
  type SwarmFeed,
  scheduleDone,
  unfinishedTasks,
} from "./live.ts";
import {
  agentProfiles,
  type ChainName,
  deploymentPath,
  killAt,
  MONEY,
  parseOptions,
  type SwarmOptions,
  timing,
  USAGE,
  UsageError,
} from "./plan.ts";
import { type AgentChain, type AgentConfig, countingTransport, isWrite } from "./protocol.ts";
import { addressLines, collectReport, formatReport, formatReports, type RunReport } from "./summary.ts";
import { createView, type View, type ViewChain } from "./view.ts";

const out = (line = "") => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Phase = "starting" | "running" | "serving";

/** One chain of the run: its node, how everyone reaches it, its deployment, and the swarm there. */
type ChainRun = {
  name: ChainName;
  node: RunningNode;
  /** Where the indexer, the agents and the orchestrator reach the node: the node, or the proxy `--cut-chain` cuts. */
  url: string;
  proxy?: TcpProxy;
  deployment: Deployment;
  /** The head once deployed: the swarm's transactions come after it. */
  deployedAt: bigint;
  /** The orchestrator as the human approver on this chain, and the transactions it sent there. */
  human?: Agent;
  approverWrites: number;
  groupId?: bigint;
  channel?: Hex;
  feed?: SwarmFeed;
};

/** Everything a run started, and the one way to stop it all. */
type Run = {
  options: SwarmOptions;
  phase: Phase;
  stopping: boolean;
  chains: ChainRun[];
  /** Nodes started before their chain was complete (stopped on shutdown too). */
  nodes: RunningNode[];
  indexer?: RunningIndexer;
  tmp?: string;
  agents: AgentProcess[];
  view?: View;
  cleanups: Array<() => void>;
  /** Orchestrator messages: through the view once it draws, else straight out. */
  note: (text: string) => void;
};

const several = (run: Run) => run.options.chains.length > 1;
/** "l1: " before a line about one chain, when the run has several. */
const tag = (run: Run, chain: { name: string }) => (several(run) ? `${chain.name}: ` : "");

/** Stops agents, indexer and nodes (in that order), removes the run's temporary files and exits with `code`. */
async function shutdown(run: Run, code: number, why?: string): Promise<never> {
  if (run.stopping) return new Promise<never>(() => {});
  run.stopping = true;
  run.view?.stop();
  run.view = undefined;
  if (why) out(`\nstart: ${why}`);
  for (const cleanup of run.cleanups) cleanup();
  for (const chain of run.chains) chain.feed?.stop();
  if (run.agents.some((a) => a.child.exitCode === null && a.child.signalCode === null)) {
    out("start: stopping the agents…");
    await stopAgents(run.agents);
  }
  if (run.indexer) {
    out("start: stopping the indexer…");
    await run.indexer.stop();
  }
  for (const chain of run.chains) await chain.proxy?.close();
  if (run.nodes.length) {
    out(`start: stopping the node${run.nodes.length > 1 ? "s" : ""}…`);
    await Promise.all(run.nodes.map((node) => node.stop()));
  }
  if (run.tmp) rmSync(run.tmp, { recursive: true, force: true });
  process.exit(code);
}

/** The node port of each chain: STIGMERGY_RPC_PORT, and the next ports for the next chains. */
const rpcPorts = (options: SwarmOptions) => options.chains.map((_, i) => options.rpcPort + i);

/** Refuses ports already taken, naming the variable that moves them. */
async function checkPorts(options: SwarmOptions) {
  const ports = rpcPorts(options);
  if (options.rpcPort === options.indexerPort)
    throw new UsageError(
      `STIGMERGY_RPC_PORT and STIGMERGY_INDEXER_PORT are both ${options.rpcPort}; give them different ports`,
    );
  if (ports.includes(options.indexerPort)) {
    throw new UsageError(
      `STIGMERGY_INDEXER_PORT is ${options.indexerPort}, the op chain's node port (STIGMERGY_RPC_PORT + 1); ` +
        "give them different ports",
    );
  }
  const checks = [
    ...ports.map((port, i) => {
      const variable =
        i === 0 ? "STIGMERGY_RPC_PORT" : `STIGMERGY_RPC_PORT (its next port is the ${options.chains[i]} chain's)`;
      return [port, variable, "a node"] as const;
    }),
    [options.indexerPort, "STIGMERGY_INDEXER_PORT", "an indexer"] as const,
  ];
  for (const [port, variable, what] of checks) {
    if (await portInUse(port))
      throw new UsageError(
        `port ${port} is already in use (${what} from an earlier run?). Stop it or set ${variable} to a free port.`,
      );
  }
}

// ---------------------------------------------------------------- bringing the chains up

/** Starts every chain's node and deploys to it, the chains side by side, and sets each mining on a clock. */
async function startChains(run: Run): Promise<ChainRun[]> {
  const { options } = run;
  const ports = rpcPorts(options);
  if (several(run)) {
    const where = options.chains
      .map((name, i) => `${name}${name === "op" ? " (OP stack)" : ""} on 127.0.0.1:${ports[i]}`)
      .join(", ");
    out(`start: launching hardhat nodes: ${where} (this run is pid ${process.pid})…`);
  } else out(`start: launching hardhat node on 127.0.0.1:${options.rpcPort} (this run is pid ${process.pid})…`);
  const nodes = await Promise.all(
    options.chains.map(async (name, i) => {
      const node = await startHardhatNode(ports[i]!, undefined, { chainType: name });
      run.nodes.push(node);
      const which = several(run) ? `the ${name} node` : "the node";
      node.process.once("exit", (code) => void shutdown(run, 1, `${which} exited unexpectedly (code ${code})`));
      return node;
    }),
  );
  // Each chain deployed by its own `hardhat run`, side by side. With several, they run on the build
  // start.ts brought up to date (--no-compile): two compilations at once would race on Hardhat's cache.
  const chains = await Promise.all(
    options.chains.map(async (name, i): Promise<ChainRun> => {
      const node = nodes[i]!;
      const label = several(run) ? `${name}: ` : "";
      const which = several(run) ? ` (chain ${node.chainId})` : "";
      out(`start: ${label}node up at ${node.url}${which}; ${several(run) ? "deploying" : "compiling and deploying"}…`);
      const network = name === "op" ? "localhostOp" : "localhost";
      const deployed = await runToEnd(
        process.execPath,
        [HARDHAT_BIN, "run", ...(several(run) ? ["--no-compile"] : []), "scripts/deploy.ts", "--network", network],
        { STIGMERGY_RPC_URL: node.url, STIGMERGY_DEPLOYMENTS_DIR: options.deploymentsDir },
      );
      if (deployed.code !== 0) {
        return shutdown(run, 1, `${label}deployment failed (exit code ${deployed.code}):\n${deployed.output}`);
      }
      const path = deploymentPath(options, node.chainId);
      const deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
      out(`start: ${label}deployed ${Object.keys(deployment.contracts).length} contracts (${path})`);
      const deployedAt = BigInt(await rpc<string>(node.url, "eth_blockNumber"));
      // From now on blocks come on a clock, as on a real chain: transactions wait for the next one.
      await rpc(node.url, "evm_setAutomine", [false]);
      await rpc(node.url, "evm_setIntervalMining", [options.blockMs]);
      // The chain `--cut-chain` cuts is reached through a proxy by everyone, so that cutting it cuts them all off.
      const proxy = options.cut?.chain === name ? await startTcpProxy({ port: node.port }) : undefined;
      return { name, node, url: proxy?.url ?? node.url, proxy, deployment, deployedAt, approverWrites: 0 };
    }),
  );
  run.chains = chains;
  out(`start: the node${several(run) ? "s mine" : " mines"} a block every ${options.blockMs} ms`);
  const proxied = chains.find((c) => c.proxy);
  if (proxied)
    out(`start: everyone reaches the ${proxied.name} node through a proxy at ${proxied.url} (--cut-chain cuts it)`);
  return chains;
}

const TMP_PREFIX = "stigmergy-swarm-";
/** How often the run restarts an indexer that stopped by itself before it gives up. */
const INDEXER_RESTARTS = 3;

/**
 * Removes the temporary files of earlier runs that were killed before they could (each run's
 * directory names the pid that owns it); one line if there were any.
 */
function removeLeftovers() {
  const gone: string[] = [];
  for (const entry of readdirSync(tmpdir()).filter((e) => e.startsWith(TMP_PREFIX))) {
    const dir = join(tmpdir(), entry);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, "owner"), "utf8"));
      process.kill(owner, 0);
      continue; // its run is alive
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") continue; // no owner file: not ours to judge
    }
    rmSync(dir, { recursive: true, force: true });
    gone.push(`${dir} (pid ${owner!})`);
  }
  if (gone.length)
    out(
      `start: removed what ${gone.length === 1 ? "an earlier run" : `${gone.length} earlier runs`} ` +
        `left behind when killed: ${gone.join(", ")}`,
    );
}

/**
 * The indexer, on PGlite in this run's temporary directory, following every chain of the run. If it
 * stops by itself (killed, say), it is started again on the same data (its supervisor recovers the
 * index), up to INDEXER_RESTARTS times.
 */
async function startIndexerFor(run: Run): Promise<RunningIndexer> {
  run.tmp = mkdtempSync(join(tmpdir(), TMP_PREFIX));
  writeFileSync(join(run.tmp, "owner"), String(process.pid));
  const following = run.chains.map((c) => `${c.name} (${c.deployment.chainId})`).join(" and ");
  out(`start: starting the indexer (Ponder on PGlite in ${run.tmp})${several(run) ? `, following ${following}` : ""}…`);
  // Several chains: one indexer follows them all (STIGMERGY_CHAINS); one chain: as `npm run indexer` does.
  const chains = run.chains.map((c) => ({ name: c.name, id: c.deployment.chainId, rpc: c.url }));
  const options = {
    rpcUrl: run.chains[0]!.url,
    deploymentsDir: run.options.deploymentsDir,
    port: run.options.indexerPort,
    pgliteDir: join(run.tmp, "pglite"),
    env: {
      STIGMERGY_WEBHOOK_DIR: join(run.tmp, "webhooks"),
      ...(several(run) ? { STIGMERGY_CHAINS: JSON.stringify(chains) } : {}),
    },
  };
  let restarts = 0;
  const start = async (): Promise<RunningIndexer> => {
    const indexer = await startIndexer(options);
    run.indexer = indexer;
    indexer.process.once("exit", (code, signal) => {
      if (run.stopping) return;
      const how = signal ?? `exit code ${code}`;
      if (++restarts > INDEXER_RESTARTS)
        return void shutdown(run, 1, `the indexer stopped unexpectedly (${how}) for the ${restarts}th time`);
      run.note(`⚠ the indexer stopped unexpectedly (${how}); restarting it on the same data`);
      start().then(
        (again) => {
          const chains = several(run) ? "chains" : "chain";
          run.note(`the indexer is back at ${again.url} (pid ${again.process.pid}), caught up with the ${chains}`);
        },
        (error: Error) => void shutdown(run, 1, `the indexer could not be restarted: ${error.message}`),
      );
    });
    return indexer;
  };
  const indexer = await start();
  out(`start: indexer ready at ${indexer.url} (pid ${indexer.process.pid})`);
  out(`start: dashboard at ${dashboardUrl(indexer)}  ← open it in a browser to watch the swarm live`);
  return indexer;
}

// ---------------------------------------------------------------- the swarm

/** The swarm's group on one chain (short heartbeat timeout, long epoch) and its members-only channel. */
async function createSwarmGroup(run: Run, chain: ChainRun): Promise<void> {
  const t = timing(run.options.blockMs);
  const human = chain.human!;
  const { groupId } = await human.election.createGroup({
    name: "swarm",
    epochDuration: t.epochS,
    heartbeatTimeout: t.heartbeatTimeoutS,
    minStake: MONEY.minStake,
    failoverSlash: MONEY.failoverSlash,
  });
  const { channel } = await human.messages.restrictChannel(groupId, "swarm");
  chain.groupId = groupId;
  chain.channel = channel;
  out(
    `start: ${tag(run, chain)}group ${groupId} created (heartbeat timeout ${t.heartbeatTimeoutS} s, ` +
      `failover slash ${Number(MONEY.failoverSlash / 10n ** 18n)} STK) with a members-only channel`,
  );
}

/** The run's chain named `name` (undefined for none). */
const chainNamed = (run: Run, name: string | undefined) => run.chains.find((c) => c.name === name);

/** Spawns every agent and resolves once all have registered, staked and joined (on every chain). */
async function spawnSwarm(
  run: Run,
  base: Omit<AgentConfig, "index" | "addressIndex" | "name" | "capabilities" | "stake" | "role">,
): Promise<void> {
  const profiles = agentProfiles(run.options.agents);
  for (const p of profiles.filter((x) => x.addressIndex >= 20)) {
    // The node funds the first 20 mnemonic accounts; bigger swarms get their ETH here.
    const address = mnemonicToAccount(MNEMONIC, { addressIndex: p.addressIndex }).address;
    const balance = numberToHex(parseEther("1000"));
    for (const chain of run.chains) await rpc(chain.url, "hardhat_setBalance", [address, balance]);
  }
  const where = several(run) ? ` on ${run.chains.map((c) => c.name).join(" and ")}` : "";
  out(`start: spawning ${profiles.length} agent processes (each registers, stakes and joins${where})…`);
  let ready = 0;
  let allReady!: () => void;
  const joined = new Promise<void>((resolve) => (allReady = resolve));
  for (const profile of profiles) {
    const agent = spawnAgent(
      profile,
      {
        ...base,
        index: profile.index,
        addressIndex: profile.addressIndex,
        name: profile.name,
        capabilities: profile.capabilities,
        stake: profile.stake.toString(),
        role: profile.role,
      },
      {
        ready: () => void (++ready === profiles.length && allReady()),
        log: (a, level, text, chainName) => {
          const chain = chainNamed(run, chainName);
          const id = chain ? a.ids.get(chain.deployment.chainId) : a.agentId;
          run.note(`${level === "warn" ? "⚠ " : ""}${chain ? tag(run, chain) : ""}#${id ?? "?"} ${a.name}: ${text}`);
        },
        crashed: (a, code, tail) =>
          void shutdown(
            run,
            1,
            `agent ${a.name} (pid ${a.pid}) exited unexpectedly (code ${code}). Its last output:\n${tail.join("\n")}`,
          ),
      },
    );
    run.agents.push(agent);
  }
  run.note(`agent processes: ${run.agents.map((a) => `${a.name} (pid ${a.pid})`).join(", ")}`);
  const timeout = sleep(240_000).then(() => "timeout" as const);
  if ((await Promise.race([joined.then(() => "joined" as const), timeout])) === "timeout") {
    await shutdown(run, 1, `only ${ready} of ${profiles.length} agents joined within 240 s`);
  }
}

/** Draws the first leader (anyone may): the SDK requests the draw and settles it in a later block. */
async function electFirstLeader(human: Agent, groupId: bigint) {
  return human.election.elect(groupId);
}

/**
 * The human approver on one chain: answers every escalation (after a moment's thought) so the
 * claimant can go on; an answer that fails (the chain unreachable, say) is tried again a little later.
 */
function answerEscalations(run: Run, chain: ChainRun, thinkMs: number): () => void {
  const human = chain.human!;
  const answered = new Set<string>();
  const me = human.address!.toLowerCase();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, act: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      act();
    }, ms);
    timers.add(timer);
  };
  const answer = (taskId: bigint, attempt: number) =>
    human.tasks.resolveEscalation(taskId, `swarm://answer/${taskId}?use=primary-sources`, true).catch((e: unknown) => {
      if (run.stopping) return;
      const why = (e as Error).message.split("\n")[0];
      run.note(`⚠ ${tag(run, chain)}the human approver could not answer task ${taskId}: ${why}`);
      if (attempt < 20) later(3_000, () => void answer(taskId, attempt + 1));
    });
  const stop = human.tasks.watchList({ status: "escalated" }, (tasks) => {
    for (const t of tasks.filter((x) => x.approver.toLowerCase() === me)) {
      const key = `${t.id}/${t.attempt}`;
      if (answered.has(key)) continue;
      answered.add(key);
      run.note(`${tag(run, chain)}the human approver (played by this command) reads the question on task ${t.id}…`);
      later(thinkMs, () => void answer(t.id, 1));
    }
  });
  return () => {
    stop();
    for (const timer of timers) clearTimeout(timer);
  };
}

/** What happened when `--cut-chain` cut a chain's node off (times in ms after the cut). */
export type Outage = {
  chain: string;
  chainId: number;
  atS: number;
  forS: number;
  /** When /readyz first answered 503 naming the chain, and what it said. */
  reportedAfterMs: number | null;
  reason: string | null;
  /** The other chains while it was cut: ready every time /readyz?chain= was asked, and their progress. */
  others: { chain: string; readySamples: number; samples: number; blocksIndexed: number; accepted: number }[];
  /** When /readyz?chain=<cut chain> was 200 again after the node came back. */
  caughtUpAfterMs: number | null;
};

type Json = Record<string, unknown>;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const getJson = async (url: string): Promise<{ status: number; body: Json }> => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Json };
};
/** The block the indexer has indexed on `chainId` (Ponder's /status). */
async function indexedBlock(indexerUrl: string, chainId: number): Promise<number> {
  const { body } = await getJson(`${indexerUrl}/status`);
  const status = body as Record<string, { id: number; block?: { number: number } }>;
  const ours = Object.values(status).find((s) => s.id === chainId);
  return ours?.block?.number ?? 0;
}

/**
 * `--cut-chain C@S+D`: S seconds from now, cuts chain C's node off from everyone (its proxy resets
 * every connection and refuses new ones) for D seconds, then restores it, watching the indexer's
 * /readyz name the chain and the other chains go on. Resolves with what it saw once the indexer
 * has caught up with the chain again.
 */
async function cutChain(run: Run): Promise<Outage> {
  const { cut } = run.options;
  const chain = run.chains.find((c) => c.name === cut!.chain)!;
  const others = run.chains.filter((c) => c !== chain);
  const indexerUrl = () => run.indexer!.url;
  await sleep(cut!.atS * 1000);
  const outage: Outage = {
    chain: chain.name,
    chainId: chain.deployment.chainId,
    atS: cut!.atS,
    forS: cut!.forS,
    reportedAfterMs: null,
    reason: null,
    others: [],
    caughtUpAfterMs: null,
  };
  /** How far the other chains are: indexed block and accepted tasks. */
  const progress = () =>
    Promise.all(
      others.map(async (c) => ({
        block: await indexedBlock(indexerUrl(), c.deployment.chainId).catch(() => 0),
        accepted: acceptedTasks(c.feed!.state),
      })),
    );
  const before = await progress();
  const samples = others.map(() => ({ ready: 0, total: 0 }));
  await chain.proxy!.down();
  const cutAt = Date.now();
  const rest = `${others.map((c) => c.name).join(" and ")} go${others.length === 1 ? "es" : ""} on`;
  run.note(
    `⚡ cut the ${chain.name} node off (chain ${chain.deployment.chainId}): its connections reset, new ones refused, ` +
      `for ${cut!.forS} s. The agents, the orchestrator and the indexer lose it; ${rest}.`,
  );
  const named = new RegExp(`chain ${chain.deployment.chainId} \\(${chain.name}\\)`);
  while (Date.now() - cutAt < cut!.forS * 1000 && !run.stopping) {
    const ready = await getJson(`${indexerUrl()}/readyz`).catch(() => undefined);
    if (ready && outage.reportedAfterMs === null && ready.status === 503 && named.test(String(ready.body.reason))) {
      outage.reportedAfterMs = Date.now() - cutAt;
      outage.reason = String(ready.body.reason);
      run.note(`the indexer's /readyz: 503 "${outage.reason}" (${seconds(outage.reportedAfterMs)} after the cut)`);
    }
    for (const [i, c] of others.entries()) {
      const one = await getJson(`${indexerUrl()}/readyz?chain=${c.deployment.chainId}`).catch(() => undefined);
      samples[i]!.total++;
      if (one?.status === 200) samples[i]!.ready++;
    }
    await sleep(1_000);
  }
  const after = await progress();
  outage.others = others.map((c, i) => ({
    chain: c.name,
    readySamples: samples[i]!.ready,
    samples: samples[i]!.total,
    blocksIndexed: after[i]!.block - before[i]!.block,
    accepted: after[i]!.accepted - before[i]!.accepted,
  }));
  await chain.proxy!.up();
  const upAt = Date.now();
  const meanwhile = outage.others.map(
    (o) => `meanwhile ${o.chain} indexed ${o.blocksIndexed} blocks and accepted ${o.accepted} tasks`,
  );
  run.note(`the ${chain.name} node is reachable again (${meanwhile.join("; ")})`);
  while (!run.stopping && Date.now() - upAt < 300_000) {
    const ready = await getJson(`${indexerUrl()}/readyz?chain=${chain.deployment.chainId}`).catch(() => undefined);
    if (ready?.status === 200) {
      outage.caughtUpAfterMs = Date.now() - upAt;
      const probe = `/readyz?chain=${chain.deployment.chainId}`;
      run.note(
        `the indexer caught up with ${chain.name}: ${probe} is 200 again, ` +
          `${seconds(outage.caughtUpAfterMs)} after the node came back`,
      );
      break;
    }
    await sleep(250);
  }
  return outage;
}

/**
 * Follows the run until every task on every chain is settled (resolves "done") or `timeoutS` passes
 * ("timeout"). Midway — once half the first chain's tasks are accepted — it SIGKILLs the process
 * leading that chain; with `--cut-chain`, the run also waits for the cut chain to be caught up.
 */
function superviseRun(run: Run): {
  done: Promise<"done" | "timeout">;
  killed: () => AgentProcess | undefined;
  /** Starts `--cut-chain`'s cut (once; undefined without one). */
  outage: () => Promise<Outage> | undefined;
} {
  const { options } = run;
  const t = timing(options.blockMs);
  let killed: AgentProcess | undefined;
  /** The chains (by id) whose leader the killed process was when it died. */
  const ledAtKill = new Set<number>();
  let outage: Promise<Outage> | undefined;
  let outageDone = options.cut === undefined;
  let finish!: (how: "done" | "timeout") => void;
  const done = new Promise<"done" | "timeout">((resolve) => (finish = resolve));
  const clocks = run.chains.map((chain) => {
    const human = chain.human!;
    chain.feed = followSwarm(human.indexer!, chain.deployment.chainId, chain.groupId!, {
      onChange: () => {
        run.view?.changed();
        evaluate();
      },
      onNotable: (row) => run.view?.activity(row, viewChain(chain)),
      onError: () => {}, // live queries reconnect by themselves
    });
    return followChain(human.publicClient);
  });
  const first = run.chains[0]!;
  const maybeKill = () => {
    const s = first.feed!.state;
    if (killed || !s.group?.leader || acceptedTasks(s) < killAt(options.tasks)) return;
    const leader = run.agents.find(
      (a) => a.state === "ready" && a.ids.get(first.deployment.chainId) === s.group!.leader,
    );
    if (!leader) return;
    killAgent(leader);
    killed = leader;
    for (const chain of run.chains) {
      const id = chain.deployment.chainId;
      if (chain.feed!.state.group?.leader === leader.ids.get(id)) ledAtKill.add(id);
    }
    const led = run.chains.filter((c) => ledAtKill.has(c.deployment.chainId)).map((c) => c.name);
    const worked = run.chains.filter((c) => !led.includes(c.name)).map((c) => c.name);
    const where = several(run)
      ? ` (it led ${led.join(" and ")}${worked.length ? `, and worked on ${worked.join(" and ")}` : ""})`
      : "";
    run.note(
      `⚡ killed the leader's process: #${leader.agentId} ${leader.name} (pid ${leader.pid}, SIGKILL)${where}. ` +
        `Its heartbeats stop; ${t.heartbeatTimeoutS} s later anyone may fail it over.`,
    );
  };
  const chainComplete = (chain: ChainRun, i: number) => {
    const s = chain.feed!.state;
    const id = killed!.ids.get(chain.deployment.chainId);
    // Wherever the killed process held the seat, it must have been failed over and replaced.
    const seated = ledAtKill.has(chain.deployment.chainId) || s.terms.some((term) => term.agentId === id);
    return (
      (!seated || (failovers(s).some((f) => f.agentId === id) && s.group?.leader !== id)) &&
      postedTasks(s) >= options.tasks &&
      unfinishedTasks(s) === 0 &&
      s.schedules.length > 0 &&
      s.schedules.every((r) => scheduleDone(r, clocks[i]!.now()))
    );
  };
  const complete = () => killed !== undefined && outageDone && run.chains.every(chainComplete);
  const evaluate = () => {
    if (run.stopping) return;
    maybeKill();
    if (complete()) finish("done");
  };
  const tick = setInterval(evaluate, 2_000); // schedule windows close with time, not with events
  const timer = setTimeout(() => finish("timeout"), options.timeoutS * 1000);
  run.cleanups.push(() => {
    clearInterval(tick);
    clearTimeout(timer);
    for (const c of clocks) c.stop();
  });
  return {
    done,
    killed: () => killed,
    outage: () => {
      if (!options.cut) return undefined;
      outage ??= cutChain(run).finally(() => {
        outageDone = true;
        evaluate();
      });
      return outage;
    },
  };
}

const viewChain = (chain: ChainRun): ViewChain => ({
  name: chain.name,
  chainId: chain.deployment.chainId,
  state: chain.feed!.state,
});

// ---------------------------------------------------------------- the end

/** The dashboard the indexer serves (dashboard/, built by `npm run build`). */
const dashboardUrl = (indexer: RunningIndexer) => `${indexer.url}/dashboard/`;

function printEndpoints(run: Run) {
  const indexer = run.indexer!;
  const first = run.chains[0]!;
  const rpcLines = run.chains.map((c) => {
    const proxied = c.proxy ? ` (the node itself at ${c.node.url})` : "";
    const id = c.deployment.chainId;
    const what = several(run) ? `${c.name}, chain ${id}${c.name === "op" ? ", OP stack" : ""}` : `chain ${id}`;
    return `  JSON-RPC   ${c.url}  (${what}; deployment ${deploymentPath(run.options, id)})${proxied}`;
  });
  const leader =
    `${indexer.url}/groups/${first.groupId}/leader` + `${several(run) ? `?chain=${first.deployment.chainId}` : ""}`;
  const rest = `${indexer.url}/tasks  ${indexer.url}/agents  ${leader}  ${indexer.url}/inbox/<agentId>`;
  // The same deployer deploys the same contracts in the same order on every local chain: the same addresses.
  const same = run.chains.every(
    (c) => JSON.stringify(c.deployment.contracts) === JSON.stringify(first.deployment.contracts),
  );
  const contracts =
    several(run) && !same
      ? run.chains.flatMap((c) => [`  ${c.name} contracts`, ...addressLines(c.deployment)])
      : [
          ...(several(run)
            ? [`  contracts (the same addresses on ${run.chains.map((c) => c.name).join(" and ")})`]
            : []),
          ...addressLines(first.deployment),
        ];
  out(
    [
      "",
      "Endpoints",
      `  Dashboard  ${dashboardUrl(indexer)}  (open in a browser: the swarm's coordination state, live)`,
      ...rpcLines,
      `  GraphQL    ${indexer.url}/graphql`,
      `  SQL        ${indexer.url}/sql  (live queries with @ponder/client)`,
      `  REST       ${rest}${several(run) ? "  (?chain=<id> picks a chain)" : ""}`,
      ...contracts,
    ].join("\n"),
  );
}

export async function main(argv: string[]): Promise<never> {
  let options: SwarmOptions | "help";
  try {
    options = parseOptions(argv);
    if (options !== "help") {
      removeLeftovers();
      await checkPorts(options);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`start: ${e.message}`);
    process.exit(2);
  }
  if (options === "help") {
    out(USAGE);
    process.exit(0);
  }
  const run: Run = {
    options,
    phase: "starting",
    stopping: false,
    chains: [],
    nodes: [],
    agents: [],
    cleanups: [],
    note: (text) => (run.view ? run.view.note(text) : out(`start: ${text}`)),
  };
  const interrupt = () =>
    void shutdown(run, run.phase === "serving" ? 0 : 130, run.phase === "serving" ? undefined : "interrupted");
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  process.on(
    "unhandledRejection",
    (e) => void shutdown(run, 1, `unexpected failure: ${(e as Error).stack ?? String(e)}`),
  );
  try {
    return await runSwarm(run);
  } catch (e) {
    return shutdown(run, 1, `the run failed: ${(e as Error).stack ?? String(e)}`);
  }
}

/** One run, start to end (see the file comment). */
async function runSwarm(run: Run): Promise<never> {
  const { options } = run;
  const tty = process.stdout.isTTY === true;
  const started = Date.now();
  const chains = await startChains(run);
  const indexer = await startIndexerFor(run);
  for (const chain of chains) {
    chain.human = createAgent({
      transport: countingTransport(chain.url, (method) => void (isWrite(method) && chain.approverWrites++)),
      account: mnemonicToAccount(MNEMONIC, { addressIndex: 0 }),
      deployment: chain.deployment,
      indexerUrl: indexer.url,
      pollingInterval: 250,
    });
  }
  await Promise.all(chains.map((chain) => createSwarmGroup(run, chain)));

  run.phase = "running";
  const supervised = superviseRun(run);
  run.view = createView({
    tty,
    chains: chains.map(viewChain),
    agents: () => run.agents,
    tasks: options.tasks,
    started,
    dashboard: dashboardUrl(indexer),
    write: (text) => process.stdout.write(text),
  });
  for (const chain of chains) run.cleanups.push(answerEscalations(run, chain, timing(options.blockMs).approverThinkMs));
  const agentChains: AgentChain[] = chains.map((c) => ({
    name: c.name,
    rpcUrl: c.url,
    deployment: c.deployment,
    groupId: c.groupId!.toString(),
    channel: c.channel!,
  }));
  const approver = chains[0]!.human!.address!;
  await spawnSwarm(run, {
    indexerUrl: indexer.url,
    chains: agentChains,
    approver,
    tasks: options.tasks,
    blockMs: options.blockMs,
  });
  const where = several(run) ? ` on ${chains.map((c) => c.name).join(" and ")}` : "";
  run.note(
    `every agent registered, staked and joined${where}; ` +
      `drawing the first leader${several(run) ? " of each chain" : ""} (stake-weighted)`,
  );
  await Promise.all(chains.map((chain) => electFirstLeader(chain.human!, chain.groupId!)));
  const outage = supervised.outage();

  const how = await supervised.done;
  run.note(
    how === "done"
      ? "every task is settled: stopping the agents"
      : `the run did not finish within ${options.timeoutS} s: stopping the agents`,
  );
  await stopAgents(run.agents);
  for (const cleanup of run.cleanups.splice(0)) cleanup();
  for (const chain of chains) chain.feed?.stop();
  run.view?.stop();
  run.view = undefined;
  // A cut still under way ends first (the node comes back), so that the summary reads every chain.
  const ended = { killed: supervised.killed(), started, timedOut: how === "timeout", outage: outage && (await outage) };
  const correct = await report(run, ended);

  run.phase = "serving";
  if (options.once) {
    if (options.hold) {
      out("start: holding the chain and the indexer up until stdin closes");
      process.stdin.resume();
      await new Promise((resolve) => {
        process.stdin.once("end", resolve);
        process.stdin.once("close", resolve);
      });
    }
    return shutdown(run, correct ? 0 : 1);
  }
  out(`\nstart: ready. The chain${several(run) ? "s" : ""} and the indexer stay up; press Ctrl-C to stop.`);
  return new Promise<never>(() => {});
}

/** The run's checks about a `--cut-chain` outage. */
function outageChecks(o: Outage): Check[] {
  const caught = o.caughtUpAfterMs !== null;
  return [
    {
      name: `the indexer's /readyz named the cut chain ${o.chain}`,
      ok: o.reportedAfterMs !== null,
      detail:
        o.reportedAfterMs === null
          ? "it never said 503 naming the chain"
          : `503 "${o.reason}" ${seconds(o.reportedAfterMs)} after the cut`,
    },
    ...o.others.map((other) => ({
      name: `${other.chain} went on while ${o.chain} was cut`,
      // Indexing went on (ready at 5 blocks of lag or less: a loaded machine may lag now and then).
      ok: other.blocksIndexed > 0 && other.readySamples > 0,
      detail:
        `/readyz?chain= ready ${other.readySamples}/${other.samples} times; ` +
        `${other.blocksIndexed} blocks indexed and ${other.accepted} tasks accepted meanwhile`,
    })),
    {
      name: `the indexer caught up with ${o.chain} once its node was back`,
      ok: caught,
      detail: caught
        ? `ready again ${seconds(o.caughtUpAfterMs!)} after the node came back`
        : "it was not ready again within 300 s",
    },
  ];
}

/** The outage lines of the summary. */
const outageText = (o: Outage) =>
  [
    `  ${"outage".padEnd(18)} ${o.chain} cut off ${o.atS} s after the first leaders, for ${o.forS} s`,
    `  ${"".padEnd(18)} /readyz named it ` +
      `${o.reportedAfterMs === null ? "never" : `after ${seconds(o.reportedAfterMs)}`}`,
    ...o.others.map(
      (x) => `  ${"".padEnd(18)} ${x.chain} meanwhile indexed ${x.blocksIndexed} blocks, accepted ${x.accepted} tasks`,
    ),
    `  ${"".padEnd(18)} ${o.chain} caught up ` +
      `${o.caughtUpAfterMs === null ? "never" : `${seconds(o.caughtUpAfterMs)} after its node returned`}`,
  ].join("\n");

/**
 * Prints the summary, the checks and the endpoints (and, with --once, the summary as JSON);
 * true if the run was correct.
 */
async function report(
  run: Run,
  ctx: { killed: AgentProcess | undefined; started: number; timedOut: boolean; outage: Outage | undefined },
): Promise<boolean> {
  const { indexer, options } = run as Run & { indexer: RunningIndexer };
  const results: RunReport[] = [];
  for (const chain of run.chains) {
    // Transactions still in flight land first; a node that never mines them is said, and the checks go on.
    await waitForMined(chain.url).catch((error: Error) => out(`start: ${chain.name}: ${error.message}`));
    await waitForIndexer(indexer.url, chain.url);
    results.push(
      await collectReport({
        chain: { name: chain.name, id: chain.deployment.chainId, type: chain.name },
        indexerUrl: indexer.url,
        rpcUrl: chain.url,
        deployment: chain.deployment,
        groupId: chain.groupId!,
        agents: run.agents,
        tasksPlanned: options.tasks,
        approverWrites: chain.approverWrites,
        killed: ctx.killed,
        started: ctx.started,
        ...(several(run) ? { feesFrom: chain.deployedAt } : {}),
      }),
    );
  }
  const timeout = ctx.timedOut
    ? [{ name: `the run finished within ${options.timeoutS} s`, ok: false, detail: "timed out (see --timeout)" }]
    : [];
  if (!several(run)) {
    const [result] = results as [RunReport];
    const checks = [...checkRun(result), ...timeout];
    const correct = checks.every((c) => c.ok);
    out(formatReport(result));
    out(formatChecks(checks));
    printEndpoints(run);
    if (options.once)
      out(
        `summary-json: ${JSON.stringify({ ...result, groupId: run.chains[0]!.groupId!.toString(), checks, correct })}`,
      );
    return correct;
  }
  const checks = [
    ...results.flatMap((r) => checkRun(r).map((c) => ({ ...c, name: `${r.chain.name}: ${c.name}` }))),
    ...(ctx.outage ? outageChecks(ctx.outage) : []),
    ...timeout,
  ];
  const correct = checks.every((c) => c.ok);
  const seconds = Math.round((Date.now() - ctx.started) / 1000);
  out(formatReports(results, seconds));
  if (ctx.outage) out(outageText(ctx.outage));
  out(formatChecks(checks));
  printEndpoints(run);
  if (options.once) {
    const chains = results.map((r, i) => ({ ...r, groupId: run.chains[i]!.groupId!.toString() }));
    out(`summary-json: ${JSON.stringify({ chains, outage: ctx.outage ?? null, seconds, checks, correct })}`);
  }
  return correct;
}
