import { type Context, eventsOf, read, type Written, write } from "../../client/context.js";
import { DrawTimeoutError } from "../../errors/transaction.js";
import type { WriteErrorType } from "../../errors/types.js";
import { AlreadyElectedError } from "../../generated/errors.js";
import { DRAW_SETTLEMENT_GAS } from "../../utils/draw.js";
import * as v from "../../validate.js";

export type ElectLeaderParameters = {
  groupId: bigint | number | string;
  /** How long to wait for a randomness source's value (default 120 s). */
  timeoutMs?: number | undefined;
};

export type ElectLeaderReturnType = Written & {
  /** The leader drawn (0 when no member could be drawn). */
  leader: bigint;
  term: bigint;
  epoch: bigint;
};

export type ElectLeaderErrorType = WriteErrorType<"LeaderElection"> | DrawTimeoutError;

/** One `elect` call: requests the epoch's draw, or settles the pending one once it can. */
const advance = (ctx: Context, groupId: bigint) =>
  write(ctx, "LeaderElection", "elect", [groupId], { headroom: DRAW_SETTLEMENT_GAS });

/** The seated leader, read from the chain (after someone else settled the draw; failoverLeader too). */
export async function seatedLeader(
  ctx: Context,
  groupId: bigint,
): Promise<{ leader: bigint; term: bigint; epoch: bigint }> {
  const [leader, term, epoch] = await read(ctx, "LeaderElection", "currentLeader", [groupId]);
  return { leader, term, epoch };
}

/**
 * Draws the epoch's leader, stake-weighted, and returns it (anyone may call, once per epoch). Sends
 * the draw's request and then its settlement (or only the settlement, when someone else requested
 * it); with a randomness source, waits up to `timeoutMs` for its value.
 *
 * @example
 * const { leader, term } = await electLeader(agent, { groupId: 1n });
 */
export async function electLeader(ctx: Context, params: ElectLeaderParameters): Promise<ElectLeaderReturnType> {
  const id = v.id("groupId", params.groupId);
  const started = Date.now();
  const timeoutMs = params.timeoutMs ?? 120_000;
  let written = await advance(ctx, id);
  for (;;) {
    const [elected] = eventsOf(ctx, written.receipt, "LeaderElection", "LeaderElected");
    if (elected)
      return { ...written, leader: elected.args.agentId, term: elected.args.term, epoch: elected.args.epoch };
    // Requested (or pending): settle it once its randomness exists. Without a source that is the
    // request's own block, so the next transaction settles it.
    const [drawBlock, , , revealedAt] = await read(ctx, "LeaderElection", "pendingDraw", [id]);
    if (drawBlock === 0n) return { ...written, ...(await seatedLeader(ctx, id)) }; // someone else settled it
    if (revealedAt === 0n) {
      if (Date.now() - started > timeoutMs) throw new DrawTimeoutError(id, timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, ctx.publicClient.pollingInterval));
      continue;
    }
    try {
      written = await advance(ctx, id);
    } catch (error) {
      // Settled by someone else between our read and our call.
      if (error instanceof AlreadyElectedError) return { ...written, ...(await seatedLeader(ctx, id)) };
      throw error;
    }
  }
}
