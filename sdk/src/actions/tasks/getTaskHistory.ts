import { abis } from "@stigmergy/contracts";
import { stringify } from "viem";
import { addressOf, type Context } from "../../client/context.js";
import type { IndexedReadErrorType } from "../../errors/types.js";
import type { Row } from "../../indexer/client.js";
import { type TaskEvent, toTaskEvent } from "../../indexer/rows.js";
import * as v from "../../validate.js";

export type GetTaskHistoryParameters = { taskId: bigint | number | string };

/** The task's events in chain order (empty when there is no such task). */
export type GetTaskHistoryReturnType = TaskEvent[];

export type GetTaskHistoryErrorType = IndexedReadErrorType<"TaskBoard">;

/**
 * Everything that happened to a task, in chain order: posted, claimed, renewed, handed off,
 * escalated, submitted, rejected, accepted… with the agent and attempt each event concerns. From the
 * indexer; without one, from TaskBoard's logs (without timestamps).
 *
 * @example
 * const claims = (await getTaskHistory(agent, { taskId: 12n })).filter((e) => e.kind === "TaskClaimed");
 */
export async function getTaskHistory(
  ctx: Context,
  params: GetTaskHistoryParameters,
): Promise<GetTaskHistoryReturnType> {
  const id = v.id("taskId", params.taskId);
  if (ctx.indexer) {
    const body = await ctx.indexer.get<{ history: Row[] }>(`/tasks/${id}`, { chain: ctx.deployment.chainId });
    return (body?.history ?? []).map(toTaskEvent);
  }
  const logs = await ctx.publicClient.getContractEvents({
    address: addressOf(ctx, "TaskBoard"),
    abi: abis.TaskBoard,
    fromBlock: BigInt(ctx.deployment.startBlock),
  });
  return logs
    .filter((l) => (l.args as { taskId?: bigint }).taskId === id)
    .map((l) => {
      const args = l.args as Record<string, unknown>;
      const agentId = args.agentId ?? args.fromAgentId; // a handoff concerns the agent handing off, as in the indexer
      return {
        chainId: ctx.deployment.chainId,
        kind: l.eventName,
        taskId: id,
        agentId: typeof agentId === "bigint" ? agentId : null,
        attempt: typeof args.attempt === "number" ? args.attempt : null,
        // as the indexer keeps it: big integers as strings
        data: JSON.parse(stringify(args)) as Record<string, unknown>,
        blockNumber: l.blockNumber,
        logIndex: l.logIndex,
        timestamp: 0n,
        txHash: l.transactionHash,
      };
    });
}
