import { replaceBigInts } from "ponder";
import { activity } from "ponder:schema";

/** The parts of a Ponder event every handler records. */
export type LoggedEvent = {
  id: string;
  args: unknown;
  block: { number: bigint; timestamp: bigint; hash: `0x${string}` };
  log: { logIndex: number };
  transaction: { hash: `0x${string}` };
};

/** Anything with Ponder's store for the activity table. */
type Db = { insert: (table: typeof activity) => { values: (row: typeof activity.$inferInsert) => unknown } };

/** JSON-safe event arguments: bigints as decimal strings. */
export const jsonArgs = (args: unknown) => replaceBigInts(args, (v) => v.toString()) as Record<string, unknown>;

/**
 * Appends the event to the audit log. Every handler calls this exactly once, so `activity` holds
 * one row per event of every indexed contract, in chain order (blockNumber, logIndex).
 */
export async function record(
  db: Db,
  contract: string,
  name: string,
  event: LoggedEvent,
  refs: { agentId?: bigint; groupId?: bigint; taskId?: bigint } = {},
): Promise<void> {
  await db.insert(activity).values({
    id: event.id,
    contract,
    event: name,
    agentId: refs.agentId ?? null,
    groupId: refs.groupId ?? null,
    taskId: refs.taskId ?? null,
    args: jsonArgs(event.args),
    blockNumber: event.block.number,
    blockHash: event.block.hash,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
}
