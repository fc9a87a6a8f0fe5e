/**
 * The orchestrator behind `npm start`: a local Hardhat node with interval mining, the
 * deployment, the indexer on PGlite in a fresh directory, the swarm's group and channel, then N
 * agent processes. While they work it draws the live view from the indexer, answers escalations
 * as the human approver, and kills the leader's process midway. When every task is settled it
 * stops the agents, prints the summary (and, with --once, the checks and the exit status), then
 * keeps the endpoints up until Ctrl-C. Ctrl-C (SIGINT) or SIGTERM stops everything at any time.
 */
import { followChain } from "@stigmergy/contracts";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Hex, numberToHex, parseEther } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { type Agent, createAgent, type Deployment, parseDeployment } from "../../sdk/src/index.ts";
import { waitForIndexer } from "../lib/oracle.ts";
import { rpc } from "../lib/tasks.ts";
import { HARDHAT_BIN, portInUse, type RunningIndexer, type RunningNode, runToEnd, startHardhatNode, startIndexer } from "../lib/processes.ts";
import { MNEMONIC } from "../lib/workload.ts";
import { checkRun, formatChecks } from "./checks.ts";
import { type AgentProcess, killAgent, spawnAgent, stopAgents } from "./fleet.ts";
import { acceptedTasks, failovers, followSwarm, postedTasks, scheduleDone, type SwarmFeed, unfinishedTasks } from "./live.ts";
import { agentProfiles, deploymentPath, killAt, MONEY, parseOptions, type SwarmOptions, timing, USAGE, UsageError } from "./plan.ts";
import { type AgentConfig, countingTransport, isWrite } from "./protocol.ts";
import { addressLines, collectReport, formatReport } from "./summary.ts";
import { createView, type View } from "./view.ts";

const out = (line = "") => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Phase = "starting" | "running" | "serving";

/** Everything a run started, and the one way to stop it all. */
type Run = {
  options: SwarmOptions;
  phase: Phase;
  stopping: boolean;
  node?: RunningNode;
  indexer?: RunningIndexer;
  tmp?: string;
  agents: AgentProcess[];
  feed?: SwarmFeed;
  view?: View;
  cleanups: Array<() => void>;
  /** Orchestrator messages: through the view once it draws, else straight out. */
  note: (text: string) => void;
};

/** Stops agents, indexer and node (in that order), removes the run's temporary files and exits with `code`. */
async function shutdown(run: Run, code: number, why?: string): Promise<never> {
  if (run.stopping) return new Promise<never>(() => {});
  run.stopping = true;
  run.view?.stop();
  run.view = undefined;
  if (why) out(`\nstart: ${why}`);
  for (const cleanup of run.cleanups) cleanup();
  run.feed?.stop();
  if (run.agents.some((a) => a.child.exitCode === null && a.child.signalCode === null)) {
    out("start: stopping the agents…");
    await stopAgents(run.agents);
  }
  if (run.indexer) {
    out("start: stopping the indexer…");
    await run.indexer.stop();
  }
  if (run.node) {
    out("start: stopping the node…");
    await run.node.stop();
  }
  if (run.tmp) rmSync(run.tmp, { recursive: true, force: true });
  process.exit(code);
}

/** Refuses ports already taken, naming the variable that moves them. */
async function checkPorts(options: SwarmOptions) {
  if (options.rpcPort === options.indexerPort) throw new UsageError(`STIGMERGY_RPC_PORT and STIGMERGY_INDEXER_PORT are both ${options.rpcPort}; give them different ports`);
  for (const [port, variable, what] of [[options.rpcPort, "STIGMERGY_RPC_PORT", "a node"], [options.indexerPort, "STIGMERGY_INDEXER_PORT", "an indexer"]] as const) {
    if (await portInUse(port)) throw new UsageError(`port ${port} is already in use (${what} from an earlier run?). Stop it or set ${variable} to a free port.`);
  }
}

// ---------------------------------------------------------------- bringing the chain up

async function startChain(run: Run): Promise<{ node: RunningNode; deployment: Deployment }> {
  const { options } = run;
  out(`start: launching hardhat node on 127.0.0.1:${options.rpcPort} (this run is pid ${process.pid})…`);
  const node = await startHardhatNode(options.rpcPort);
  run.node = node;
  node.process.once("exit", (code) => void shutdown(run, 1, `the node exited unexpectedly (code ${code})`));
  out(`start: node up at ${node.url}; compiling and deploying…`);
  const deployed = await runToEnd(process.execPath, [HARDHAT_BIN, "run", "scripts/deploy.ts", "--network", "localhost"], {
    STIGMERGY_RPC_URL: node.url,
    STIGMERGY_DEPLOYMENTS_DIR: options.deploymentsDir,
  });
  if (deployed.code !== 0) return shutdown(run, 1, `deployment failed (exit code ${deployed.code}):\n${deployed.output}`);
  const path = deploymentPath(options, node.chainId);
  const deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
  out(`start: deployed ${Object.keys(deployment.contracts).length} contracts (${path})`);
  // From now on blocks come on a clock, as on a real chain: transactions wait for the next one.
  await rpc(node.url, "evm_setAutomine", [false]);
  await rpc(node.url, "evm_setIntervalMining", [options.blockMs]);
  out(`start: the node mines a block every ${options.blockMs} ms`);
  return { node, deployment };
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
  if (gone.length) out(`start: removed what ${gone.length === 1 ? "an earlier run" : `${gone.length} earlier runs`} left behind when killed: ${gone.join(", ")}`);
}

/**
 * The indexer, on PGlite in this run's temporary directory. If it stops by itself (killed, say), it
 * is started again on the same data (its supervisor recovers the index), up to INDEXER_RESTARTS times.
 */
async function startIndexerFor(run: Run, node: RunningNode): Promise<RunningIndexer> {
  run.tmp = mkdtempSync(join(tmpdir(), TMP_PREFIX));
  writeFileSync(join(run.tmp, "owner"), String(process.pid));
  out(`start: starting the indexer (Ponder on PGlite in ${run.tmp})…`);
  const options = {
    rpcUrl: node.url,
    deploymentsDir: run.options.deploymentsDir,
    port: run.options.indexerPort,
    pgliteDir: join(run.tmp, "pglite"),
    env: { STIGMERGY_WEBHOOK_DIR: join(run.tmp, "webhooks") },
  };
  let restarts = 0;
  const start = async (): Promise<RunningIndexer> => {
    const indexer = await startIndexer(options);
    run.indexer = indexer;
    indexer.process.once("exit", (code, signal) => {
      if (run.stopping) return;
      const how = signal ?? `exit code ${code}`;
      if (++restarts > INDEXER_RESTARTS) return void shutdown(run, 1, `the indexer stopped unexpectedly (${how}) for the ${restarts}th time`);
      run.note(`⚠ the indexer stopped unexpectedly (${how}); restarting it on the same data`);
      start().then(
        (again) => run.note(`the indexer is back at ${again.url} (pid ${again.process.pid}), caught up with the chain`),
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

/** The swarm's group (short heartbeat timeout, long epoch) and its members-only channel. */
async function createSwarmGroup(human: Agent, options: SwarmOptions): Promise<{ groupId: bigint; channel: Hex }> {
  const t = timing(options.blockMs);
  const { groupId } = await human.election.createGroup({ name: "swarm", epochDuration: t.epochS, heartbeatTimeout: t.heartbeatTimeoutS, minStake: MONEY.minStake, failoverSlash: MONEY.failoverSlash });
  const { channel } = await human.messages.restrictChannel(groupId, "swarm");
  out(`start: group ${groupId} created (heartbeat timeout ${t.heartbeatTimeoutS} s, failover slash ${Number(MONEY.failoverSlash / 10n ** 18n)} STK) with a members-only channel`);
  return { groupId, channel };
}

/** Spawns every agent and resolves once all have registered, staked and joined. */
async function spawnSwarm(run: Run, base: Omit<AgentConfig, "index" | "addressIndex" | "name" | "capabilities" | "stake" | "role">): Promise<void> {
  const profiles = agentProfiles(run.options.agents);
  for (const p of profiles.filter((x) => x.addressIndex >= 20)) {
    // The node funds the first 20 mnemonic accounts; bigger swarms get their ETH here.
    await rpc(base.rpcUrl, "hardhat_setBalance", [mnemonicToAccount(MNEMONIC, { addressIndex: p.addressIndex }).address, numberToHex(parseEther("1000"))]);
  }
  out(`start: spawning ${profiles.length} agent processes (each registers, stakes and joins)…`);
  let ready = 0;
  let allReady!: () => void;
  const joined = new Promise<void>((resolve) => (allReady = resolve));
  for (const profile of profiles) {
    const agent = spawnAgent(profile, { ...base, index: profile.index, addressIndex: profile.addressIndex, name: profile.name, capabilities: profile.capabilities, stake: profile.stake.toString(), role: profile.role }, {
      ready: () => void (++ready === profiles.length && allReady()),
      log: (a, level, text) => run.note(`${level === "warn" ? "⚠ " : ""}#${a.agentId ?? "?"} ${a.name}: ${text}`),
      crashed: (a, code, tail) => void shutdown(run, 1, `agent ${a.name} (pid ${a.pid}) exited unexpectedly (code ${code}). Its last output:\n${tail.join("\n")}`),
    });
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

/** The human approver: answers every escalation (after a moment's thought) so the claimant can go on. */
function answerEscalations(run: Run, human: Agent, thinkMs: number): () => void {
  const answered = new Set<string>();
  const me = human.address!.toLowerCase();
  return human.tasks.watchList({ status: "escalated" }, (tasks) => {
    for (const t of tasks.filter((x) => x.approver.toLowerCase() === me)) {
      const key = `${t.id}/${t.attempt}`;
      if (answered.has(key)) continue;
      answered.add(key);
      run.note(`the human approver (played by this command) reads the question on task ${t.id}…`);
      setTimeout(() => {
        human.tasks.resolveEscalation(t.id, `swarm://answer/${t.id}?use=primary-sources`, true).catch((e: unknown) => {
          if (!run.stopping) run.note(`⚠ the human approver could not answer task ${t.id}: ${(e as Error).message.split("\n")[0]}`);
        });
      }, thinkMs);
    }
  });
}

/**
 * Follows the run until every task is settled (resolves "done") or `timeoutS` passes ("timeout").
 * Midway — once half the tasks are accepted — it SIGKILLs the leader's process.
 */
function superviseRun(run: Run, groupId: bigint, human: Agent): { done: Promise<"done" | "timeout">; killed: () => AgentProcess | undefined } {
  const { options } = run;
  const t = timing(options.blockMs);
  let killed: AgentProcess | undefined;
  let finish!: (how: "done" | "timeout") => void;
  const done = new Promise<"done" | "timeout">((resolve) => (finish = resolve));
  const feed = followSwarm(human.indexer!, groupId, {
    onChange: () => {
      run.view?.changed();
      evaluate();
    },
    onNotable: (row) => run.view?.activity(row),
    onError: () => {}, // live queries reconnect by themselves
  });
  run.feed = feed;
  const s = feed.state;
  const clock = followChain(human.publicClient);
  const maybeKill = () => {
    if (killed || !s.group?.leader || acceptedTasks(s) < killAt(options.tasks)) return;
    const leader = run.agents.find((a) => a.agentId === s.group!.leader && a.state === "ready");
    if (!leader) return;
    killAgent(leader);
    killed = leader;
    run.note(`⚡ killed the leader's process: #${leader.agentId} ${leader.name} (pid ${leader.pid}, SIGKILL). Its heartbeats stop; ${t.heartbeatTimeoutS} s later anyone may fail it over.`);
  };
  const complete = () =>
    killed !== undefined &&
    failovers(s).some((f) => f.agentId === killed!.agentId) &&
    s.group?.leader !== killed.agentId &&
    postedTasks(s) >= options.tasks &&
    unfinishedTasks(s) === 0 &&
    s.schedules.length > 0 &&
    s.schedules.every((r) => scheduleDone(r, clock.now()));
  const evaluate = () => {
    if (run.stopping) return;
    maybeKill();
    if (complete()) finish("done");
  };
  const tick = setInterval(evaluate, 2_000); // schedule windows close with time, not with events
  const timer = setTimeout(() => finish("timeout"), options.timeoutS * 1000);
  run.cleanups.push(() => (clearInterval(tick), clearTimeout(timer), clock.stop()));
  return { done, killed: () => killed };
}

// ---------------------------------------------------------------- the end

/** The dashboard the indexer serves (dashboard/, built by `npm run build`). */
const dashboardUrl = (indexer: RunningIndexer) => `${indexer.url}/dashboard/`;

function printEndpoints(run: Run, deployment: Deployment, groupId: bigint) {
  const node = run.node!;
  const indexer = run.indexer!;
  out(
    [
      "",
      "Endpoints",
      `  Dashboard  ${dashboardUrl(indexer)}  (open in a browser: the swarm's coordination state, live)`,
      `  JSON-RPC   ${node.url}  (chain ${deployment.chainId}; deployment ${deploymentPath(run.options, deployment.chainId)})`,
      `  GraphQL    ${indexer.url}/graphql`,
      `  SQL        ${indexer.url}/sql  (live queries with @ponder/client)`,
      `  REST       ${indexer.url}/tasks  ${indexer.url}/agents  ${indexer.url}/groups/${groupId}/leader  ${indexer.url}/inbox/<agentId>`,
      ...addressLines(deployment),
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
  const run: Run = { options, phase: "starting", stopping: false, agents: [], cleanups: [], note: (text) => (run.view ? run.view.note(text) : out(`start: ${text}`)) };
  const interrupt = () => void shutdown(run, run.phase === "serving" ? 0 : 130, run.phase === "serving" ? undefined : "interrupted");
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  process.on("unhandledRejection", (e) => void shutdown(run, 1, `unexpected failure: ${(e as Error).stack ?? String(e)}`));
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
  const { node, deployment } = await startChain(run);
  const indexer = await startIndexerFor(run, node);
  let approverWrites = 0;
  const human = createAgent({
    transport: countingTransport(node.url, (method) => void (isWrite(method) && approverWrites++)),
    account: mnemonicToAccount(MNEMONIC, { addressIndex: 0 }),
    deployment,
    indexerUrl: indexer.url,
    pollingInterval: 250,
  });
  const { groupId, channel } = await createSwarmGroup(human, options);

  run.phase = "running";
  const supervised = superviseRun(run, groupId, human);
  run.view = createView({ tty, state: run.feed!.state, agents: () => run.agents, tasks: options.tasks, started, dashboard: dashboardUrl(indexer), write: (text) => process.stdout.write(text) });
  run.cleanups.push(answerEscalations(run, human, timing(options.blockMs).approverThinkMs));
  await spawnSwarm(run, { rpcUrl: node.url, indexerUrl: indexer.url, deployment, groupId: groupId.toString(), channel, approver: human.address!, tasks: options.tasks, blockMs: options.blockMs });
  run.note("every agent registered, staked and joined; drawing the first leader (stake-weighted)");
  await electFirstLeader(human, groupId);

  const how = await supervised.done;
  run.note(how === "done" ? "every task is settled: stopping the agents" : `the run did not finish within ${options.timeoutS} s: stopping the agents`);
  await stopAgents(run.agents);
  for (const cleanup of run.cleanups.splice(0)) cleanup();
  run.feed?.stop();
  run.view?.stop();
  run.view = undefined;
  const correct = await report(run, { deployment, groupId, approverWrites, killed: supervised.killed(), started, timedOut: how === "timeout" });

  run.phase = "serving";
  if (options.once) {
    if (options.hold) {
      out("start: holding the chain and the indexer up until stdin closes");
      process.stdin.resume();
      await new Promise((resolve) => (process.stdin.once("end", resolve), process.stdin.once("close", resolve)));
    }
    return shutdown(run, correct ? 0 : 1);
  }
  out("\nstart: ready. The chain and the indexer stay up; press Ctrl-C to stop.");
  return new Promise<never>(() => {});
}

/** Prints the summary, the checks and the endpoints (and, with --once, the summary as JSON); true if the run was correct. */
async function report(run: Run, ctx: { deployment: Deployment; groupId: bigint; approverWrites: number; killed: AgentProcess | undefined; started: number; timedOut: boolean }): Promise<boolean> {
  const { node, indexer, options } = run as Run & { node: RunningNode; indexer: RunningIndexer };
  await waitForIndexer(indexer.url, node.url);
  const result = await collectReport({ indexerUrl: indexer.url, rpcUrl: node.url, deployment: ctx.deployment, groupId: ctx.groupId, agents: run.agents, tasksPlanned: options.tasks, approverWrites: ctx.approverWrites, killed: ctx.killed, started: ctx.started });
  const checks = [...checkRun(result), ...(ctx.timedOut ? [{ name: `the run finished within ${options.timeoutS} s`, ok: false, detail: "timed out (see --timeout)" }] : [])];
  const correct = checks.every((c) => c.ok);
  out(formatReport(result));
  out(formatChecks(checks));
  printEndpoints(run, ctx.deployment, ctx.groupId);
  if (options.once) out(`summary-json: ${JSON.stringify({ ...result, groupId: ctx.groupId.toString(), checks, correct })}`);
  return correct;
}
