/**
 * Command-line values into what the SDK takes: token and ETH amounts with decimals, durations
 * with units, ids. Each throws {@link InvalidInputError} naming the flag or argument.
 */
import { InvalidInputError } from "../errors/input.js";
import * as v from "../validate.js";

/** Stake-token amount with up to 18 decimals ("10", "0.5") in base units; `positive` rejects zero. */
export const tokenAmount = (field: string, raw: string, positive = false): bigint =>
  v.decimalAmount(field, raw, "tokens", { positive });
/** ETH amount with up to 18 decimals, in wei. */
export const ethAmount = (field: string, raw: string, positive = false): bigint =>
  v.decimalAmount(field, raw, "ETH", { positive });

const UNITS: Record<string, bigint> = { "": 1n, s: 1n, m: 60n, h: 3_600n, d: 86_400n };

/** Seconds, optionally with a unit: "90", "90s", "5m", "2h", "1d". */
export function seconds(field: string, raw: string): bigint {
  const match = /^(\d+)\s*([smhd]?)$/.exec(raw.trim());
  if (!match)
    throw new InvalidInputError(field, "expected a duration in seconds, or with a unit: 90, 90s, 5m, 2h, 1d", raw);
  return BigInt(match[1]!) * UNITS[match[2]!]!;
}

/** An id of something on chain (counted from 1). */
export const id = (field: string, raw: string): bigint => v.id(field, raw);

/** A whole number of at most `bits` bits, at least `min`. */
export const whole = (field: string, raw: string, options: { bits?: number; min?: bigint } = {}): bigint =>
  v.uint(field, raw, options);
