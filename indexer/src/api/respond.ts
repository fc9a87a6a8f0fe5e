/** What every route answers with: JSON with bigints as decimal strings, and the error bodies. */
import type { Context } from "hono";
import { replaceBigInts } from "ponder";
import { FilterError } from "../webhooks/filter.js";
import { BadRequest } from "./params.js";

/** JSON-safe: bigints as decimal strings. */
export const json = (value: unknown) => replaceBigInts(value, (v) => v.toString());

/** The 404 body for an id nothing indexed (on `chain`, when the route is about one). */
export const notFound = (what: string, id: bigint | string, chain?: { id: number; name: string }) => ({
  error: "not_found",
  reason: `${what} ${id} is not indexed${chain ? ` on chain ${chain.id} (${chain.name})` : ""}`,
});

/** A bad parameter is a 400 naming the field; anything else a 500 (details in the log). */
export function onError(error: Error, c: Context) {
  if (error instanceof BadRequest || error instanceof FilterError) {
    return c.json({ error: "bad_request", field: error.field, reason: error.reason }, 400);
  }
  console.error(error);
  return c.json({ error: "internal_error", reason: "the indexer failed to answer; see its log" }, 500);
}
