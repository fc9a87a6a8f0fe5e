import { sql } from "@ponder/client";
import { abis } from "@stigmergy/contracts";
import { addressOf, type Context } from "../../client/context.js";
import type { IndexedReadErrorType } from "../../errors/types.js";
import { sqlChain, sqlInt } from "../../indexer/client.js";
import { type RoundTerms, toRoundTerms } from "../../indexer/rows.js";
import * as v from "../../validate.js";

export type GetRoundTermsParameters = { scheduleId: bigint | number | string };

/** What each round asks and pays, or `undefined` when there is no such schedule. */
export type GetRoundTermsReturnType = RoundTerms | undefined;

export type GetRoundTermsErrorType = IndexedReadErrorType<"TaskBoard">;

/**
 * What each round of a schedule asks and pays (its reward token, bond and claim window): from the
 * indexer's copy of the template, else from the schedule's ScheduleCreated log (the chain keeps
 * only the template's hash).
 *
 * @example
 * const terms = await getRoundTerms(agent, { scheduleId: 1n });
 */
export async function getRoundTerms(ctx: Context, params: GetRoundTermsParameters): Promise<GetRoundTermsReturnType> {
  const id = v.id("scheduleId", params.scheduleId);
  if (ctx.indexer) {
    const where = sql`${sqlChain(ctx.deployment.chainId)} and id = ${sqlInt(id)}`;
    const [row] = await ctx.indexer.query(sql`select template from schedule where ${where}`);
    if (row) return toRoundTerms(typeof row.template === "string" ? JSON.parse(row.template) : row.template);
  }
  const [log] = await ctx.publicClient.getContractEvents({
    address: addressOf(ctx, "TaskBoard"),
    abi: abis.TaskBoard,
    eventName: "ScheduleCreated",
    args: { scheduleId: id },
    fromBlock: BigInt(ctx.deployment.startBlock),
  });
  return log ? toRoundTerms(log.args.template) : undefined;
}
