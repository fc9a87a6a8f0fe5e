/**
 * The indexer as the SDK sees it: REST reads (`/tasks`, `/agents/:id`, …), GraphQL for what has no
 * REST route (Ponder's schema of every indexed table), and live SQL queries over server-sent events
 * (Ponder's `/sql/live`), which push a fresh result whenever the indexed tables change. One SSE
 * connection per watcher, no polling.
 *
 * Several URLs (a `ponder start` writer and its `ponder serve` readers on one PostgreSQL database, say)
 * make one client that fails over: everything goes to one indexer, the first that answers, in the
 * order given; when it cannot be reached, reads retry on the next and every live query reconnects
 * there and delivers the current rows at once, so a watcher misses no change while it moved. A
 * reader that refuses a live query (503: full, or not caught up) sends it to the next one too.
 */
import { compileQuery, createClient, type SQL, sql } from "@ponder/client";
import { EventSource } from "eventsource";
import superjson from "superjson";
import { guarded } from "../client/callbacks.js";
import { IndexerError } from "../errors/indexer.js";
import { InvalidInputError } from "../errors/input.js";

export type Row = Record<string, unknown>;

/** A query the indexer's SQL endpoints take: a `sql` template, or a typed @ponder/client (drizzle) query. */
export type IndexerQuery = Parameters<typeof compileQuery>[0];

/**
 * A big integer inlined into SQL (digits only, so safe; bind parameters arrive as text and do not
 * compare with bigint columns).
 */
export const sqlInt = (n: bigint): SQL => sql.raw(BigInt.asUintN(256, n).toString());

/**
 * `chain_id = <chainId>`: one chain's rows (an indexer may follow several, and ids repeat across
 * them). The id is inlined like {@link sqlInt}; `column` qualifies it in a join.
 */
export const sqlChain = (chainId: number, column = "chain_id"): SQL => {
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new InvalidInputError("chainId", "expected a chain id (a positive integer)", chainId);
  }
  return sql.raw(`${column} = ${chainId}`);
};

export type IndexerClient = {
  /** The indexer in use now (the first of `urls` until it fails). */
  readonly url: string;
  /** Every indexer this client may use, in order of preference. */
  readonly urls: readonly string[];
  /** GET a REST path; `undefined` query values are left out. Throws {@link IndexerError} unless 2xx (404 → null). */
  get: <T>(path: string, query?: Record<string, string | bigint | number | undefined>) => Promise<T | null>;
  /**
   * One GraphQL query against the indexer's schema (a query field per table: `groupMembers`,
   * `terms`, …). Big integers in `variables` are sent as decimal strings. Throws
   * {@link IndexerError} when the indexer cannot be reached or the query fails.
   */
  graphql: <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;
  /** One SQL query, rows keyed by camelCase column names. */
  query: (query: IndexerQuery) => Promise<Row[]>;
  /**
   * Runs `query` now and again after every indexed change that alters its result, calling
   * `onRows` with each result.
   * Reconnects by itself if the stream drops. Returns the unsubscribe function.
   */
  live: (query: IndexerQuery, onRows: (rows: Row[]) => void, onError?: (error: Error) => void) => () => void;
  /**
   * Calls `onChange` once the stream is open and after every indexed change to what `query`
   * selects, without the rows: for a caller that pages through what is new itself (the inbox).
   */
  onChange: (query: IndexerQuery, onChange: () => void, onError?: (error: Error) => void) => () => void;
};

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const camelRow = (row: Row): Row => Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v]));
const rowsOf = (data: unknown): Row[] => {
  const rows = (data as { rows?: unknown } | undefined)?.rows ?? data;
  return Array.isArray(rows) ? (rows as Row[]).map(camelRow) : [];
};

/**
 * How long a dropped live query waits before reconnecting once it has tried every indexer (Ponder
 * refuses them briefly after start). Moving to another indexer is immediate.
 */
const RECONNECT_MS = 250;

/** Whether an error means the indexer could not be reached at all (fetch's TypeError), not that it refused. */
const unreachable = (error: unknown) => error instanceof TypeError;

export function createIndexerClient(url: string | readonly string[]): IndexerClient {
  const bases = (typeof url === "string" ? [url] : [...url]).map((u) => u.replace(/\/+$/, ""));
  if (bases.length === 0) throw new IndexerError("(none)", "was not given: pass at least one URL");
  const sqlClients = bases.map((b) => createClient(`${b}/sql`));
  /** Index of the indexer in use. */
  let current = 0;
  /** The indexer at `i` failed: move on to the next, unless another caller already has. */
  const failed = (i: number) => {
    if (current === i) current = (i + 1) % bases.length;
  };

  /**
   * Runs `attempt` against the indexer in use and, while it cannot be reached, against each other
   * one in turn; throws the last failure.
   */
  const withFailover = async <T>(attempt: (base: string, i: number) => Promise<T>): Promise<T> => {
    let failure: unknown;
    for (let tried = 0; tried < bases.length; tried++) {
      const i = current;
      try {
        return await attempt(bases[i]!, i);
      } catch (error) {
        if (!unreachable(error)) throw error;
        failure = error;
        failed(i);
      }
    }
    throw failure;
  };

  /**
   * One SSE live query, reconnecting when it drops (to the next indexer at once, after RECONNECT_MS
   * once every one has failed): `onOpen` whenever a stream opens (with a check that it is still the
   * current one, the retry, and which indexer it opened on), `onPush` with each pushed result.
   * Returns the unsubscribe function.
   */
  const stream = (
    query: IndexerQuery,
    onOpen: (isCurrent: () => boolean, retry: (error: Error) => void, i: number) => void,
    onPush: (data: unknown) => void,
    onError: ((error: Error) => void) | undefined,
  ): (() => void) => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let source: EventSource | undefined;
    /** Failures since a stream last opened: after one round of every indexer, wait before the next. */
    let failures = 0;
    const path = `/sql/live?sql=${encodeURIComponent(superjson.stringify(compileQuery(query)))}`;
    const subscribe = () => {
      timer = undefined;
      if (stopped) return;
      const i = current;
      const opened = new EventSource(`${bases[i]}${path}`);
      source = opened;
      const isCurrent = () => !stopped && source === opened;
      const retry = (error: Error) => {
        opened.close();
        if (!isCurrent() || timer) return;
        onError?.(error);
        failed(i);
        failures++;
        timer = setTimeout(subscribe, failures % bases.length === 0 ? RECONNECT_MS : 0);
      };
      opened.onopen = () => {
        failures = 0;
        onOpen(isCurrent, retry, i);
      };
      opened.onmessage = (event) => {
        if (!isCurrent()) return;
        try {
          onPush(JSON.parse(event.data));
        } catch (error) {
          onError?.(error as Error);
        }
      };
      opened.onerror = (event) =>
        retry(new IndexerError(bases[i]!, `dropped a live query (${event.message ?? "disconnected"})`, event.code));
    };
    subscribe();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      source?.close();
    };
  };

  /** fetch with failover; throws {@link IndexerError} when no indexer can be reached. */
  const reach = async (path: string, init?: RequestInit): Promise<{ response: Response; base: string }> => {
    try {
      return await withFailover(async (base) => ({ response: await fetch(`${base}${path}`, init), base }));
    } catch (cause) {
      throw new IndexerError(bases.join(", "), "cannot be reached", undefined, cause);
    }
  };

  const client: IndexerClient = {
    get url() {
      return bases[current]!;
    },
    urls: bases,
    get: async <T>(path: string, query: Record<string, string | bigint | number | undefined> = {}) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
      const search = params.size > 0 ? `${path.includes("?") ? "&" : "?"}${params}` : "";
      const { response, base } = await reach(`${path}${search}`);
      if (response.status === 404) return null;
      const body = (await response.json().catch(() => undefined)) as { reason?: string; field?: string } | undefined;
      if (!response.ok) {
        const reason = body?.reason
          ? `${body.field ? `${body.field}: ` : ""}${body.reason}`
          : `HTTP ${response.status}`;
        throw new IndexerError(base, `refused ${path} (${reason})`, response.status);
      }
      return body as T;
    },
    graphql: async <T>(query: string, variables: Record<string, unknown> = {}) => {
      const { response, base } = await reach("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
      });
      const body = (await response.json().catch(() => undefined)) as
        | { data?: T; errors?: { message?: string }[] }
        | undefined;
      const problem = body?.errors?.[0]?.message ?? (body?.data === undefined ? `HTTP ${response.status}` : undefined);
      if (problem !== undefined || !response.ok)
        throw new IndexerError(
          base,
          `refused a GraphQL query (${problem ?? `HTTP ${response.status}`})`,
          response.status,
        );
      return body!.data as T;
    },
    query: async (query) => {
      try {
        return rowsOf(await withFailover((_, i) => sqlClients[i]!.db.execute(query)));
      } catch (cause) {
        throw new IndexerError(bases[current]!, "could not run a SQL query", undefined, cause);
      }
    },
    live: (query, onRows, onError) => {
      // Ponder pushes only after a change that alters the result, so once the stream is open the
      // query also runs once; a push that arrives before that snapshot wins over it.
      let pushed = false;
      return stream(
        query,
        (isCurrent, retry, i) => {
          pushed = false;
          // The snapshot from the indexer the stream opened on: after a failover, the current rows.
          sqlClients[i]!.db.execute(query).then((data) => {
            if (isCurrent() && !pushed) guarded(() => onRows(rowsOf(data)), onError)();
          }, retry);
        },
        (data) => {
          pushed = true;
          guarded(() => onRows(rowsOf(data)), onError)();
        },
        onError,
      );
    },
    // The stream opening is itself the first signal: no snapshot query to run.
    onChange: (query, onChange, onError) =>
      stream(query, guarded(onChange, onError), guarded(onChange, onError), onError),
  };
  return client;
}
