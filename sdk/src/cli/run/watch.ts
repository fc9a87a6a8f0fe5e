/** What `stigmergy watch` does (a live stream of contract events), loaded when it runs. */
import { sql } from "@ponder/client";
import { abis, type ContractName } from "@stigmergy/contracts";
import { type Address, BaseError, decodeEventLog, type Hex, isHex, type Log } from "viem";
import type { Agent } from "../../agent.js";
import { StigmergyError } from "../../errors/base.js";
import { type Row, sqlChain, sqlInt } from "../../indexer/client.js";
import { payloadText } from "../../utils/payload.js";
import type { CommandInput } from "../command.js";
import { clip, short } from "../format.js";
import type { CommandResult } from "../output.js";
import { toJson, writeLine } from "../output.js";
import * as parse from "../values.js";

/** One contract event, the same shape from the indexer and from the node. */
export type ActivityEvent = {
  blockNumber: bigint;
  logIndex: number;
  contract: string;
  event: string;
  args: Record<string, unknown>;
  txHash: Hex;
};

function formatValue(value: unknown): string {
  if (typeof value === "string")
    return value.startsWith("0x") ? short(value) : /^\d+$/.test(value) ? value : JSON.stringify(clip(value, 40));
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") return String(value);
  return clip(toJson(value), 40);
}

/** A message payload as its text when it is text. */
const argValue = (name: string, value: unknown): string =>
  name === "payload" && typeof value === "string" && isHex(value)
    ? formatValue(payloadText(value))
    : formatValue(value);

/** `block 12  TaskBoard.TaskClaimed  taskId=3 agentId=2 attempt=1` */
export const eventLine = (e: ActivityEvent): string =>
  `block ${e.blockNumber}  ${`${e.contract}.${e.event}`.padEnd(32)}  ${Object.entries(e.args)
    .map(([k, v]) => `${k}=${argValue(k, v)}`)
    .join(" ")}`.trimEnd();

const fromRow = (r: Row): ActivityEvent => ({
  blockNumber: BigInt(String(r.blockNumber)),
  logIndex: Number(r.logIndex),
  contract: String(r.contract),
  event: String(r.event),
  args: (typeof r.args === "string" ? JSON.parse(r.args) : (r.args ?? {})) as Record<string, unknown>,
  txHash: String(r.txHash) as Hex,
});

type Stop = () => void;

/** Live-query failures tolerated before the first result (each reconnects after 250 ms). */
const MAX_EARLY_DROPS = 8;
type Sink = (events: ActivityEvent[]) => void;

/**
 * Pushes new `activity` rows, in chain order, from the indexer: a live query as the trigger, then a
 * read after a cursor.
 */
function watchIndexer(
  agent: Agent,
  fromBlock: bigint | undefined,
  onEvents: Sink,
  onReady: () => void,
  onError: (e: Error) => void,
): Stop {
  const indexer = agent.indexer!;
  const chain = sqlChain(agent.deployment.chainId);
  let cursor: { block: bigint; log: number } | undefined =
    fromBlock === undefined ? undefined : { block: fromBlock - 1n, log: Number.MAX_SAFE_INTEGER };
  let running = false;
  let again = false;
  let stopped = false;
  const PAGE = 500;
  const drain = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        for (;;) {
          if (stopped || !cursor) return;
          const block = sqlInt(cursor.block);
          const logIndex = sql.raw(String(cursor.log));
          const after = sql`block_number > ${block} or (block_number = ${block} and log_index > ${logIndex})`;
          const where = sql`${chain} and (${after})`;
          const page = sql`select * from activity where ${where} order by block_number, log_index limit ${PAGE}`;
          const rows = await indexer.query(page);
          const events = rows.map(fromRow);
          const last = events.at(-1);
          if (!last || stopped) break;
          cursor = { block: last.blockNumber, log: last.logIndex };
          onEvents(events);
          if (events.length < PAGE) break;
        }
      } while (again && !stopped);
    } catch (error) {
      onError(error as Error);
    } finally {
      running = false;
    }
  };
  let ready = false;
  const unsubscribe = indexer.live(
    sql`select block_number, log_index from activity where ${chain} order by block_number desc, log_index desc limit 1`,
    (rows) => {
      if (!ready) {
        // The first result is where "new" starts (unless --from-block asked for history).
        const newest = rows[0];
        cursor ??= newest
          ? { block: BigInt(String(newest.blockNumber)), log: Number(newest.logIndex) }
          : { block: -1n, log: -1 };
        ready = true;
        onReady();
      }
      void drain();
    },
    onError,
  );
  return () => {
    stopped = true;
    unsubscribe();
  };
}

/** Pushes decoded logs of every contract in the deployment from the node (viem log filters). */
function watchChain(
  agent: Agent,
  fromBlock: bigint | undefined,
  onEvents: Sink,
  onReady: () => void,
  onError: (e: Error) => void,
): Stop {
  const names = new Map<string, ContractName>();
  for (const [name, address] of Object.entries(agent.deployment.contracts))
    if (address && name in abis) names.set(address.toLowerCase(), name as ContractName);
  const decode = (log: Log): ActivityEvent | undefined => {
    const name = names.get(log.address.toLowerCase());
    if (!name) return undefined;
    try {
      const { eventName, args } = decodeEventLog({
        abi: abis[name],
        data: log.data,
        topics: log.topics,
        strict: false,
      });
      const named = Array.isArray(args)
        ? Object.fromEntries(args.map((a, i) => [`arg${i}`, a]))
        : ((args ?? {}) as Record<string, unknown>);
      return {
        blockNumber: log.blockNumber ?? 0n,
        logIndex: log.logIndex ?? 0,
        contract: name,
        event: eventName ?? "unknown",
        args: named,
        txHash: log.transactionHash ?? "0x",
      };
    } catch {
      return undefined; // an event outside the ABI
    }
  };
  const sink = (logs: Log[]) => onEvents(logs.map(decode).filter((e): e is ActivityEvent => e !== undefined));
  const addresses = [...names.keys()] as Address[];
  let stopped = false;
  let unwatch: Stop = () => {};
  void (async () => {
    // Pin where "new" starts, so events right after the "watching" line are not missed while
    // the node's filter is being installed.
    const head = await agent.publicClient.getBlockNumber();
    if (fromBlock !== undefined && fromBlock <= head)
      sink(await agent.publicClient.getLogs({ address: addresses, fromBlock, toBlock: head }));
    if (stopped) return;
    const next = fromBlock !== undefined && fromBlock > head ? fromBlock : head + 1n;
    unwatch = agent.publicClient.watchEvent({ address: addresses, fromBlock: next, onLogs: sink, onError });
    onReady();
  })().catch(onError);
  return () => {
    stopped = true;
    unwatch();
  };
}

export async function watch({ flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const limitRaw = flags.string("limit");
  const limit = limitRaw === undefined ? undefined : Number(parse.whole("limit", limitRaw, { bits: 32, min: 1n }));
  const fromRaw = flags.string("from-block");
  const fromBlock = fromRaw === undefined ? undefined : parse.whole("from-block", fromRaw, { bits: 64 });
  const contracts = new Set(flags.strings("contract"));
  const agent = await session.agent();
  const source = agent.indexer ? `the indexer at ${agent.indexer.url}` : "the node";
  let printed = 0;
  let output = Promise.resolve();
  await new Promise<void>((resolve, reject) => {
    let stop: Stop = () => {};
    const finish = () => {
      stop();
      process.off("SIGINT", finish);
      process.off("SIGTERM", finish);
      void output.then(resolve);
    };
    const onEvents: Sink = (events) => {
      for (const e of events) {
        if (limit !== undefined && printed >= limit) break;
        if (contracts.size && !contracts.has(e.contract)) continue;
        printed++;
        const line = session.json ? toJson(e) : eventLine(e);
        output = output.then(() => writeLine(process.stdout, line));
      }
      if (limit !== undefined && printed >= limit) finish();
    };
    let ready = false;
    let earlyDrops = 0; // Ponder refuses live queries briefly after it starts: allow a few
    const onReady = () => {
      ready = true;
      session.progress.note(`watching events from ${source}${limit ? ` (until ${limit})` : ""}; Ctrl-C to stop`);
    };
    const onError = (error: Error) => {
      // Once following, a dropped stream or a failed poll is retried; before that, it ends the watch.
      if (ready || (agent.indexer && ++earlyDrops < MAX_EARLY_DROPS)) {
        const reason =
          error instanceof StigmergyError || error instanceof BaseError ? error.shortMessage : error.message;
        return session.progress.note(`(${reason.trim()} Retrying.)`);
      }
      stop();
      reject(error);
    };
    process.once("SIGINT", finish);
    process.once("SIGTERM", finish);
    stop = (agent.indexer ? watchIndexer : watchChain)(agent, fromBlock, onEvents, onReady, onError);
  });
  return undefined;
}
