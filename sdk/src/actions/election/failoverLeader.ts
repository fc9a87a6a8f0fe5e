import { type Context, eventsOf, type Written, write } from "../../client/context.js";
import { AlreadyElectedError } from "../../generated/errors.js";
import { DRAW_SETTLEMENT_GAS } from "../../utils/draw.js";
import * as v from "../../validate.js";
import { type ElectLeaderErrorType, electLeader, seatedLeader } from "./electLeader.js";

export type FailoverLeaderParameters = {
  groupId: bigint | number | string;
  /** How long to wait for a randomness source's value (default 120 s). */
  timeoutMs?: number | undefined;
};

export type FailoverLeaderReturnType = Written & {
  /** The leader failed over (0 when this call found a draw to settle instead). */
  failed: bigint;
  /** The leader drawn in its place (0 when nobody is left to draw this epoch). */
  leader: bigint;
  term: bigint;
};

export type FailoverLeaderErrorType = ElectLeaderErrorType;

/**
 * Replaces a leader whose heartbeat timed out (anyone): slashes it, and draws a new one among the
 * members not failed over this epoch (the redraw is requested and then settled; this returns once
 * the new leader is known).
 *
 * @example
 * const { failed, leader } = await failoverLeader(agent, { groupId: 1n });
 */
export async function failoverLeader(
  ctx: Context,
  params: FailoverLeaderParameters,
): Promise<FailoverLeaderReturnType> {
  const id = v.id("groupId", params.groupId);
  const written = await write(ctx, "LeaderElection", "failover", [id], { headroom: DRAW_SETTLEMENT_GAS });
  const [failedOver] = eventsOf(ctx, written.receipt, "LeaderElection", "LeaderFailedOver");
  const [elected] = eventsOf(ctx, written.receipt, "LeaderElection", "LeaderElected");
  if (elected) return { ...written, failed: 0n, leader: elected.args.agentId, term: elected.args.term };
  const drawn = await electLeader(ctx, { groupId: id, timeoutMs: params.timeoutMs }).catch(async (error: unknown) => {
    // Settled by someone else before our settlement was sent.
    if (!(error instanceof AlreadyElectedError)) throw error;
    return seatedLeader(ctx, id);
  });
  return { ...written, failed: failedOver?.args.agentId ?? 0n, leader: drawn.leader, term: drawn.term };
}
