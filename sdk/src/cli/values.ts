/**
 * Command-line values into what the SDK takes: token and ETH amounts with decimals, durations
 * with units, ids. Each throws {@link InvalidInputError} naming the flag or argument.
 */
import { parseUnits } from "viem";
import { InvalidInputError } from "../errors/input.js";
import * as v from "../validate.js";

const DECIMAL = /^\d+(\.\d+)?$/;

/** An amount with up to 18 decimals ("10", "0.5") in base units (wei); `positive` rejects zero. */
export function decimalAmount(field: string, raw: string, unit: "tokens" | "ETH", positive = false): bigint {
  const text = raw.trim();
  const [, fraction = ""] = text.split(".");
  if (!DECIMAL.test(text) || fraction.length > 18) {
    throw new InvalidInputError(field, `expected an amount of ${unit} such as 10 or 0.5 (at most 18 decimals, not negative)`, raw);
  }
  const wei = parseUnits(text, 18);
  if (positive && wei === 0n) throw new InvalidInputError(field, "must be more than zero", raw);
  return wei;
}

/** Stake-token amount (18 decimals). */
export const tokenAmount = (field: string, raw: string, positive = false): bigint => decimalAmount(field, raw, "tokens", positive);
/** ETH amount. */
export const ethAmount = (field: string, raw: string, positive = false): bigint => decimalAmount(field, raw, "ETH", positive);

const UNITS: Record<string, bigint> = { "": 1n, s: 1n, m: 60n, h: 3_600n, d: 86_400n };

/** Seconds, optionally with a unit: "90", "90s", "5m", "2h", "1d". */
export function seconds(field: string, raw: string): bigint {
  const match = /^(\d+)\s*([smhd]?)$/.exec(raw.trim());
  if (!match) throw new InvalidInputError(field, "expected a duration in seconds, or with a unit: 90, 90s, 5m, 2h, 1d", raw);
  return BigInt(match[1]!) * UNITS[match[2]!]!;
}

/** An id of something on chain (counted from 1). */
export const id = (field: string, raw: string): bigint => v.id(field, raw);

/** A whole number of at most `bits` bits, at least `min`. */
export const whole = (field: string, raw: string, options: { bits?: number; min?: bigint } = {}): bigint => v.uint(field, raw, options);
