/**
 * Tool results: JSON text (big integers as decimal strings) plus the same object as
 * `structuredContent`; failures as `isError` results reading `<code>: <shortMessage>`.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { BaseError } from "viem";
import { StigmergyError } from "../errors/base.js";
import { ContractRevertError } from "../errors/contract.js";
import { InvalidInputError } from "../errors/input.js";

export type JsonObject = { [key: string]: unknown };

/** `value` as plain JSON: bigints become decimal strings, `undefined` fields are dropped. */
export function toJson<T extends object>(value: T): JsonObject {
  return JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as JsonObject;
}

/** A successful result. */
export function okResult(value: object): CallToolResult {
  const json = toJson(value);
  return { content: [{ type: "text", text: JSON.stringify(json) }], structuredContent: json };
}

/** What a failure says to the model: a stable code and one sentence. */
export function describeError(error: unknown): { code: string; message: string; field?: string; errorName?: string; args?: Record<string, unknown> } {
  if (error instanceof InvalidInputError) return { code: error.code, message: error.shortMessage, field: error.field };
  if (error instanceof ContractRevertError) return { code: error.code, message: error.shortMessage, errorName: error.errorName, args: error.args };
  if (error instanceof StigmergyError) return { code: error.code, message: error.shortMessage };
  if (error instanceof BaseError) return { code: "CHAIN_ERROR", message: error.shortMessage };
  const message = error instanceof Error ? error.message : String(error);
  return { code: "UNEXPECTED_ERROR", message: message.split("\n")[0] ?? message };
}

/** A failed result: `<code>: <shortMessage>` as text, the details as `structuredContent.error`. */
export function errorResult(error: unknown): CallToolResult {
  const described = describeError(error);
  return { isError: true, content: [{ type: "text", text: `${described.code}: ${described.message}` }], structuredContent: toJson({ error: described }) };
}
