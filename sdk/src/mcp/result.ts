/**
 * Tool results: JSON text (big integers as decimal strings) plus the same object as
 * `structuredContent`; failures as `isError` results reading `<code>: <shortMessage>`.
 */

import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { stringify } from "viem";
import { describeError, type ErrorReport } from "../errors/report.js";

export type JsonObject = { [key: string]: unknown };

/** `value` as plain JSON: bigints become decimal strings, `undefined` fields are dropped. */
export function toJson<T extends object>(value: T): JsonObject {
  return JSON.parse(stringify(value)) as JsonObject;
}

/** A successful result. */
export function okResult(value: object): CallToolResult {
  const json = toJson(value);
  return { content: [{ type: "text", text: JSON.stringify(json) }], structuredContent: json };
}

/** What a failure says to the model: a stable code, one sentence and, for setup problems, the remedy. */
export function describeFailure(error: unknown): Omit<ErrorReport, "hints"> {
  const { hints: _, ...report } = describeError(error);
  return { ...report, message: report.message.split("\n")[0] ?? report.message };
}

/** A failed result: `<code>: <shortMessage>[ <remedy>]` as text, the details as `structuredContent.error`. */
export function errorResult(error: unknown): CallToolResult {
  const described = describeFailure(error);
  const text = `${described.code}: ${described.message}${described.remedy ? ` ${described.remedy}` : ""}`;
  return { isError: true, content: [{ type: "text", text }], structuredContent: toJson({ error: described }) };
}
