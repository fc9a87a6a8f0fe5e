/**
 * A process of watching agents for the push bench's load runs (`measureRpcLoad`), so that the
 * agents' own work (1,000 SSE streams, their JSON) does not share an event loop with the poster or
 * the counter. Started with `tsx`, driven over IPC:
 *
 *   argv: <mode: "indexer" | "polling"> <count> <indexer URL | node RPC URL> <deployment file>
 *   → { ready }                         once every agent is started
 *   ← { check: id } → { seen: n }       agents that have heard of task `id`
 *   ← { sawAll: ids } → { sawAll: n }   agents that have heard of every task in `ids`
 *   ← { cpu } → { cpuMs }               this process's CPU time since it started
 *   ← { stop } → { stopped }            agents stopped, then the process exits
 */
import { readFileSync } from "node:fs";
import { createPublicClient, http } from "viem";
import { abis, type Context, createIndexerClient, parseDeployment, watchOpenTasks } from "../sdk/src/index.ts";

type Message = { check?: string; sawAll?: string[]; cpu?: true; stop?: true };

const [mode, countArg, url, deploymentFile] = process.argv.slice(2) as ["indexer" | "polling", string, string, string];
const deployment = parseDeployment(JSON.parse(readFileSync(deploymentFile, "utf8")), deploymentFile);
const count = Number(countArg);
const seen = Array.from({ length: count }, () => new Set<bigint>());
const started = process.cpuUsage();

const stops: (() => void)[] = seen.map((s) => {
  if (mode === "indexer") {
    const ctx: Context = {
      // Never used by a watcher that has an indexer: the agents send the node nothing.
      publicClient: createPublicClient({ transport: http("http://127.0.0.1:1") }) as Context["publicClient"],
      walletClient: undefined,
      deployment,
      indexer: createIndexerClient(url),
      agentId: undefined,
    };
    return watchOpenTasks(ctx, {
      onTasks: (tasks) => {
        for (const t of tasks) s.add(t.id);
      },
    });
  }
  return createPublicClient({ transport: http(url) }).watchContractEvent({
    address: deployment.contracts.TaskBoard!,
    abi: abis.TaskBoard,
    eventName: "TaskPosted",
    onLogs: (logs) => {
      for (const l of logs) s.add(l.args.taskId!);
    },
  });
});

process.on("message", (m: Message) => {
  if (m.check !== undefined) {
    const id = BigInt(m.check);
    process.send!({ seen: seen.filter((s) => s.has(id)).length });
  } else if (m.sawAll !== undefined) {
    const ids = m.sawAll.map(BigInt);
    process.send!({ sawAll: seen.filter((s) => ids.every((id) => s.has(id))).length });
  } else if (m.cpu) {
    const cpu = process.cpuUsage(started);
    process.send!({ cpuMs: (cpu.user + cpu.system) / 1000 });
  } else if (m.stop) {
    for (const stop of stops) stop();
    process.send!({ stopped: true }, () => process.exit(0));
  }
});
process.send!({ ready: true });
