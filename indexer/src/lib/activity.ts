import { type Context, type Event, type EventNames, ponder } from "ponder:registry";
import { activity } from "ponder:schema";
import { replaceBigInts } from "ponder";

/** Ponder's store, as every handler gets it. */
export type Db = Context["db"];

/** The agent, group and task an event concerns: the activity row's references. */
export type Refs = { agentId?: bigint; groupId?: bigint; taskId?: bigint };

/** What every contract event carries (Ponder's log event, whichever its contract and name). */
type LogEvent = {
  id: string;
  args: unknown;
  block: { number: bigint; timestamp: bigint; hash: `0x${string}` };
  log: { logIndex: number };
  transaction: { hash: `0x${string}` };
};

/** What a handler gets: Ponder's event and context, and the id of the chain the event is from. */
export type HandlerArgs<N extends EventNames> = { event: Event<N>; context: Context<N>; chainId: number };

/** JSON-safe event arguments: bigints as decimal strings. */
export const jsonArgs = (args: unknown) => replaceBigInts(args, (v) => v.toString()) as Record<string, unknown>;

/**
 * Registers the handler of a contract event ("Contract:Event") and writes its audit-log row: after
 * `fn` has updated the tables, one `activity` row per event, carrying the agent, group and task
 * `fn` returns (none when it returns nothing). So `activity` holds one row per event of every
 * indexed contract, in chain order (blockNumber, logIndex), and no handler writes it by hand.
 * `fn` also gets the event's `chainId` (Ponder's `context.chain.id`): every row it writes carries
 * it, and every key it looks a row up by starts with it (one indexer may follow several chains).
 */
export function handle<N extends EventNames>(
  name: N,
  fn: (args: HandlerArgs<N>) => Promise<Refs | undefined> | Promise<void> | Refs | undefined = () => undefined,
): void {
  const [contract, eventName] = name.split(":") as [string, string];
  ponder.on(name, async (args) => {
    const chainId = args.context.chain.id;
    const refs = (await fn({ ...args, chainId })) ?? {};
    // Every indexed event is a log event: the fields below exist whatever N is.
    const event = args.event as unknown as LogEvent;
    await args.context.db.insert(activity).values({
      chainId,
      id: event.id,
      contract,
      event: eventName,
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
  });
}
