/**
 * Webhook subscription filters: which events a subscriber is woken for. Every field is optional and
 * narrows the match; an empty filter matches everything, contract events and `schedule.due` alike.
 * A `schedule.due` is matched like an event of TaskBoard whose args are the round's task template
 * (so `capability` narrows it; `agentId`, `taskId` and `channel` match no round).
 */
export type WebhookFilter = {
  /** Chain ids: events of these chains only (an indexer may follow several). */
  chains?: number[];
  /** Event names ("TaskPosted", or "TaskBoard:TaskPosted"), and/or "schedule.due". */
  events?: string[];
  agentId?: string;
  /** bytes32 capability tag: tasks and schedules needing it. */
  capability?: string;
  /** bytes32 channel id. */
  channel?: string;
  taskId?: string;
};

/** What a filter is matched against: an activity row (or a schedule round falling due). */
export type Matchable = {
  chainId: number;
  contract: string;
  event: string;
  agentId: bigint | null;
  taskId: bigint | null;
  args: Record<string, unknown>;
};

export class FilterError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const UINT = /^\d{1,78}$/;
const NAME = /^([A-Z][A-Za-z]+:)?[A-Z][A-Za-z]+$|^schedule\.due$/;

/** Validates a filter from an API request; throws {FilterError} naming the bad field. */
export function parseFilter(value: unknown): WebhookFilter {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new FilterError("filter", "must be an object");
  const raw = value as Record<string, unknown>;
  const known = ["chains", "events", "agentId", "capability", "channel", "taskId"];
  for (const key of Object.keys(raw))
    if (!known.includes(key)) throw new FilterError(`filter.${key}`, `is not a filter field (${known.join(", ")})`);
  const filter: WebhookFilter = {};
  if (raw.chains !== undefined) {
    const ok = (c: unknown) => typeof c === "number" && Number.isSafeInteger(c) && c > 0;
    if (!Array.isArray(raw.chains) || raw.chains.length === 0 || !raw.chains.every(ok)) {
      throw new FilterError("filter.chains", "must be a non-empty list of chain ids such as [31337, 31338]");
    }
    filter.chains = raw.chains as number[];
  }
  if (raw.events !== undefined) {
    if (
      !Array.isArray(raw.events) ||
      raw.events.length === 0 ||
      raw.events.some((e) => typeof e !== "string" || !NAME.test(e))
    ) {
      throw new FilterError(
        "filter.events",
        'must be a non-empty list of event names such as "TaskPosted" or "schedule.due"',
      );
    }
    filter.events = raw.events as string[];
  }
  for (const key of ["agentId", "taskId"] as const) {
    if (raw[key] === undefined) continue;
    const v = String(raw[key]);
    if (!UINT.test(v)) throw new FilterError(`filter.${key}`, "must be a non-negative integer");
    filter[key] = v;
  }
  for (const key of ["capability", "channel"] as const) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] !== "string" || !HEX32.test(raw[key] as string))
      throw new FilterError(`filter.${key}`, "must be 0x followed by 64 hex digits");
    filter[key] = (raw[key] as string).toLowerCase();
  }
  return filter;
}

const argString = (args: Record<string, unknown>, key: string) => {
  const v = args[key];
  return v === undefined || v === null ? undefined : String(v).toLowerCase();
};

/** Whether `item` (an event, or `schedule.due` with its template as args) passes `filter`. */
export function matches(filter: WebhookFilter, item: Matchable): boolean {
  if (filter.chains && !filter.chains.includes(item.chainId)) return false;
  if (filter.events) {
    const named = filter.events.some((e) => e === item.event || e === `${item.contract}:${item.event}`);
    if (!named) return false;
  }
  if (filter.agentId !== undefined && item.agentId?.toString() !== filter.agentId) return false;
  if (filter.taskId !== undefined && item.taskId?.toString() !== filter.taskId) return false;
  if (filter.capability !== undefined && argString(item.args, "capability") !== filter.capability) return false;
  if (filter.channel !== undefined && argString(item.args, "channel") !== filter.channel) return false;
  return true;
}
