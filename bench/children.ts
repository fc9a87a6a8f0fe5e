/**
 * Bench work in child processes, so that many clients' own work (their SSE streams, their JSON)
 * does not share an event loop with the process that posts, counts and times. A child is a `tsx`
 * script driven over IPC: it sends one message when it is ready, then answers each request with
 * one message, in order.
 */
import { type ChildProcess, fork } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export type Reply = Record<string, unknown>;

export type Child = {
  child: ChildProcess;
  /** Sends a request and resolves with the child's reply. */
  ask: (message: object) => Promise<Reply>;
};

/** Clients per child process. */
export const CLIENTS_PER_PROCESS = 250;

/** Splits `total` clients into processes of at most {@link CLIENTS_PER_PROCESS}. */
export const processSizes = (total: number): number[] =>
  Array.from({ length: Math.ceil(total / CLIENTS_PER_PROCESS) }, (_, i) =>
    Math.min(CLIENTS_PER_PROCESS, total - i * CLIENTS_PER_PROCESS),
  );

/** Forks one child per argument list and waits until each has said it is ready. */
export async function forkChildren(script: string, argLists: string[][]): Promise<Child[]> {
  const children = argLists.map((args) => {
    const child = fork(script, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const replies: ((m: Reply) => void)[] = [];
    child.on("message", (m: Reply) => replies.shift()?.(m));
    const ask = (m: object) =>
      new Promise<Reply>((resolve) => {
        replies.push(resolve);
        child.send(m);
      });
    const ready = new Promise<void>((resolve, reject) => {
      replies.push(() => resolve());
      child.once("exit", (code) => reject(new Error(`${script}: child exited early (${code})`)));
    });
    return { child, ask, ready };
  });
  try {
    await Promise.all(children.map((c) => c.ready));
  } catch (error) {
    for (const c of children) c.child.kill();
    throw error;
  }
  return children.map(({ child, ask }) => ({ child, ask }));
}

/** Asks every child to stop (`{ stop: true }`) and waits for each to exit. */
export async function stopChildren(children: Child[]): Promise<void> {
  await Promise.all(children.map((c) => c.ask({ stop: true }).catch(() => undefined)));
  await Promise.all(
    children.map((c) => (c.child.exitCode === null ? new Promise((r) => c.child.once("exit", r)) : undefined)),
  );
}

/** CPU time (ms) of a process and its descendants, from /proc (Linux); 0 elsewhere. */
export function treeCpuMs(root: number): number {
  let stats: { pid: number; ppid: number; ticks: number }[];
  try {
    stats = readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .flatMap((d) => {
        try {
          // Fields after the command (which may hold spaces): state ppid … utime(14) stime(15).
          const rest = readFileSync(`/proc/${d}/stat`, "utf8").split(") ").at(-1)!.split(" ");
          return [{ pid: Number(d), ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) }];
        } catch {
          return [];
        }
      });
  } catch {
    return 0;
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of stats) {
      if (!tree.has(s.pid) && tree.has(s.ppid)) {
        tree.add(s.pid);
        grew = true;
      }
    }
  }
  // USER_HZ is 100 on Linux.
  return stats.filter((s) => tree.has(s.pid)).reduce((a, s) => a + s.ticks * 10, 0);
}

/** CPU time (ms) the whole machine has spent busy (not idle or waiting on I/O), from /proc/stat; 0 elsewhere. */
export function machineBusyMs(): number {
  try {
    // cpu user nice system idle iowait irq softirq steal …, in USER_HZ (100 a second).
    const ticks = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    return (ticks.reduce((a, b) => a + b, 0) - ticks[3]! - ticks[4]!) * 10;
  } catch {
    return 0;
  }
}
