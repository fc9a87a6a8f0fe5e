import { type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type GetPendingDrawParameters = { groupId: bigint | number | string };

/** The draw's request block, epoch, term and the block whose hash it mixes in (0 until revealed); `null` when none. */
export type GetPendingDrawReturnType = { drawBlock: bigint; epoch: bigint; term: bigint; revealedAt: bigint } | null;

export type GetPendingDrawErrorType = ReadErrorType<"LeaderElection">;

/**
 * The group's pending leader draw, from the chain: requested and not yet settled, or `null`.
 *
 * @example
 * const draw = await getPendingDraw(agent, { groupId: 1n });
 */
export async function getPendingDraw(
  ctx: Context,
  params: GetPendingDrawParameters,
): Promise<GetPendingDrawReturnType> {
  const [drawBlock, epoch, term, revealedAt] = await read(ctx, "LeaderElection", "pendingDraw", [
    v.id("groupId", params.groupId),
  ]);
  return drawBlock === 0n ? null : { drawBlock, epoch, term, revealedAt };
}
