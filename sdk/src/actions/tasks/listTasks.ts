import { type Address, zeroHash } from "viem";
import { type Context, read } from "../../client/context.js";
import type { IndexedReadErrorType } from "../../errors/types.js";
import type { Row } from "../../indexer/client.js";
import { type Task, type TaskStatus, toTask } from "../../indexer/rows.js";
import * as v from "../../validate.js";
import { getTask } from "./getTask.js";

/** Which tasks: by the capability they need and by poster. */
export type TaskFilter = {
  /** Only tasks needing one of these capabilities (names or ids), or none; default: the agent's own. */
  capabilities?: string[];
  /** Only tasks from this poster. */
  poster?: Address;
};

export type ListTasksParameters = TaskFilter & {
  status?: TaskStatus;
  /** Only tasks this agent holds (or last held). */
  claimant?: bigint;
  /** At most this many (default 100). */
  limit?: number;
};

export type ListTasksReturnType = Task[];

export type ListTasksErrorType = IndexedReadErrorType<"TaskBoard">;

/** The indexer's page size for /tasks. */
const PAGE = 500;

/**
 * Tasks on the agent's chain by status and filter, oldest first, from the indexer (page by page up
 * to `limit`). Without an indexer, scans the newest `limit` tasks on chain.
 *
 * @example
 * const open = await listTasks(agent, { status: "open", capabilities: ["summarize"] });
 */
export async function listTasks(ctx: Context, params: ListTasksParameters = {}): Promise<ListTasksReturnType> {
  const limit = params.limit ?? 100;
  const caps = params.capabilities?.map((c, i) => v.capability(`capabilities[${i}]`, c));
  const poster = params.poster === undefined ? undefined : v.address("poster", params.poster);
  if (ctx.indexer) {
    const out: Task[] = [];
    for (let after = 0n; out.length < limit; ) {
      const body = await ctx.indexer.get<{ tasks: Row[] }>("/tasks", {
        chain: ctx.deployment.chainId,
        status: params.status,
        capability: caps ? [zeroHash, ...caps].join(",") : undefined,
        poster: poster?.toLowerCase(),
        claimant: params.claimant,
        after: after || undefined,
        limit: Math.min(limit - out.length, PAGE),
      });
      const page = (body?.tasks ?? []).map(toTask);
      out.push(...page);
      if (page.length < PAGE) break;
      after = page.at(-1)!.id;
    }
    return out;
  }
  const matches = (t: Task) =>
    (!params.status || t.status === params.status) &&
    (!caps || t.capability === zeroHash || caps.includes(t.capability)) &&
    (!poster || t.poster.toLowerCase() === poster.toLowerCase()) &&
    (params.claimant === undefined || t.claimant === params.claimant);
  const count = await read(ctx, "TaskBoard", "taskCount", []);
  const out: Task[] = [];
  for (let id = count; id >= 1n && out.length < limit; id--) {
    const t = await getTask(ctx, { taskId: id });
    if (t && matches(t)) out.push(t);
  }
  return out.reverse();
}
