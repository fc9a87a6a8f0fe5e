/**
 * Tool inputs: zod fields an LLM fills in (ids and amounts as strings or numbers, described), and
 * the pure conversions that turn them into what the SDK takes, naming the field when they cannot.
 * The zod types stay loose on purpose so that a malformed value reaches these conversions and
 * comes back as `INVALID_INPUT: Invalid <field>: …`.
 */
import type { Address } from "viem";
import { z } from "zod";
import type { Agent } from "../agent.js";
import { NoAccountError, NoAgentError } from "../errors/config.js";
import { InvalidInputError } from "../errors/input.js";
import * as v from "../validate.js";

/** A whole number as a decimal string ("12") or a JSON integer. */
export const integerInput = (description: string) => z.union([z.string(), z.number().int()]).describe(description);

/** A decimal amount as a string ("0.01") or a JSON number. */
export const decimalInput = (description: string) => z.union([z.string(), z.number()]).describe(description);

/** A count (`limit`) between 1 and `max`, `fallback` when not given. */
export function limitOf(field: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > max)
    throw new InvalidInputError(field, `expected a whole number from 1 to ${max}`, value);
  return value;
}

/**
 * A URI from a model. Models write inline text as `data:text/plain,two words`, which is not a URI
 * (no spaces in URIs): the text after a `data:` URI's comma is percent-encoded where it must be,
 * the same text a reader decodes. Any other URI is taken as it is.
 */
export function uriInput(field: string, value: string): string {
  const comma = value.indexOf(",");
  if (/^data:/i.test(value) && comma > 0 && /\s/.test(value)) {
    value = value.slice(0, comma + 1) + encodeURI(value.slice(comma + 1));
  }
  return v.uri(field, value);
}

/** The agent id tools act as, or an error telling the model to register first. */
export function agentIdOf(agent: Agent): bigint {
  if (agent.agentId === undefined) throw new NoAgentError();
  return agent.agentId;
}

/** The signing address, or an error saying the server is read-only. */
export function signerOf(agent: Agent): Address {
  if (!agent.walletClient || !agent.address) throw new NoAccountError();
  return agent.address;
}
