/**
 * The indexer as the SDK sees it: REST reads (`/tasks`, `/agents/:id`, …), GraphQL for what has no
 * REST route (Ponder's schema of every indexed table), and live SQL queries over server-sent events
 * (Ponder's `/sql/live`), which push a fresh result whenever the indexed tables change. One SSE
 * connection per watcher, no polling.
 */
import { compileQuery, createClient, sql, type SQL } from "@ponder/client";
import { EventSource } from "eventsource";
import superjson from "superjson";
import { guarded } from "../client/callbacks.js";
import { IndexerError } from "../errors/indexer.js";

export type Row = Record<string, unknown>;

/** A query the indexer's SQL endpoints take: a `sql` template, or a typed @ponder/client (drizzle) query. */
export type IndexerQuery = Parameters<typeof compileQuery>[0];

/** A big integer inlined into SQL (digits only, so safe; bind parameters arrive as text and do not compare with bigint columns). */
export const sqlInt = (n: bigint): SQL => sql.raw(BigInt.asUintN(256, n).toString());

export type IndexerClient = {
  url: string;
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

/** How long a dropped live query waits before reconnecting (Ponder refuses them briefly after start). */
const RECONNECT_MS = 250;

export function createIndexerClient(url: string): IndexerClient {
  const base = url.replace(/\/+$/, "");
  const sqlClient = createClient(`${base}/sql`);

  /**
   * One SSE live query, reconnecting after RECONNECT_MS when it drops: `onOpen` whenever a stream
   * opens (with a check that it is still the current one, and the retry), `onPush` with each
   * pushed result. Returns the unsubscribe function.
   */
  const stream = (
    query: IndexerQuery,
    onOpen: (isCurrent: () => boolean, retry: (error: Error) => void) => void,
    onPush: (data: unknown) => void,
    onError: ((error: Error) => void) | undefined,
  ): (() => void) => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let source: EventSource | undefined;
    const url = `${base}/sql/live?sql=${encodeURIComponent(superjson.stringify(compileQuery(query)))}`;
    const retry = (error: Error) => {
      source?.close();
      if (stopped || timer) return;
      onError?.(error);
      timer = setTimeout(subscribe, RECONNECT_MS);
    };
    const subscribe = () => {
      timer = undefined;
      if (stopped) return;
      const current = new EventSource(url);
      source = current;
      const isCurrent = () => !stopped && source === current;
      current.onopen = () => onOpen(isCurrent, retry);
      current.onmessage = (event) => {
        if (!isCurrent()) return;
        try {
          onPush(JSON.parse(event.data));
        } catch (error) {
          onError?.(error as Error);
        }
      };
      current.onerror = (event) => retry(new IndexerError(base, `dropped a live query (${event.message ?? "disconnected"})`, event.code));
    };
    subscribe();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      source?.close();
    };
  };

  const client: IndexerClient = {
    url: base,
    get: async <T>(path: string, query: Record<string, string | bigint | number | undefined> = {}) => {
      const target = new URL(`${base}${path}`);
      for (const [k, v] of Object.entries(query)) if (v !== undefined) target.searchParams.set(k, String(v));
      let response: Response;
      try {
        response = await fetch(target);
      } catch (cause) {
        throw new IndexerError(base, "cannot be reached", undefined, cause);
      }
      if (response.status === 404) return null;
      const body = (await response.json().catch(() => undefined)) as { reason?: string; field?: string } | undefined;
      if (!response.ok) {
        const reason = body?.reason ? `${body.field ? `${body.field}: ` : ""}${body.reason}` : `HTTP ${response.status}`;
        throw new IndexerError(base, `refused ${path} (${reason})`, response.status);
      }
      return body as T;
    },
    graphql: async <T>(query: string, variables: Record<string, unknown> = {}) => {
      let response: Response;
      try {
        response = await fetch(`${base}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query, variables }, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
        });
      } catch (cause) {
        throw new IndexerError(base, "cannot be reached", undefined, cause);
      }
      const body = (await response.json().catch(() => undefined)) as { data?: T; errors?: { message?: string }[] } | undefined;
      const problem = body?.errors?.[0]?.message ?? (body?.data === undefined ? `HTTP ${response.status}` : undefined);
      if (problem !== undefined || !response.ok) throw new IndexerError(base, `refused a GraphQL query (${problem ?? `HTTP ${response.status}`})`, response.status);
      return body!.data as T;
    },
    query: async (query) => {
      try {
        return rowsOf(await sqlClient.db.execute(query));
      } catch (cause) {
        throw new IndexerError(base, "could not run a SQL query", undefined, cause);
      }
    },
    live: (query, onRows, onError) => {
      // Ponder pushes only after a change that alters the result, so once the stream is open the
      // query also runs once; a push that arrives before that snapshot wins over it.
      let pushed = false;
      return stream(
        query,
        (isCurrent, retry) => {
          pushed = false;
          sqlClient.db.execute(query).then((data) => {
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
