/**
 * Input checks run before a transaction is built. Each returns the value in the type the contract
 * call needs, or throws {@link InvalidInputError} naming the field.
 */
import { type Address, getAddress, type Hex, isAddress, isHex, keccak256, parseUnits, stringToHex } from "viem";
import { InvalidInputError } from "./errors/input.js";

/** What callers may pass for an integer: a bigint, a safe integer, or a decimal string. */
export type IntegerLike = bigint | number | string;

const MAX_UINT = (bits: number) => (1n << BigInt(bits)) - 1n;

/** An unsigned integer of `bits` bits (default 256), at least `min`. */
export function uint(field: string, value: IntegerLike, options: { bits?: number; min?: bigint } = {}): bigint {
  let n: bigint;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === "string" && /^-?\d+$/.test(value.trim())) n = BigInt(value.trim());
  else throw new InvalidInputError(field, "expected a whole number", value);
  const min = options.min ?? 0n;
  if (n < min) throw new InvalidInputError(field, n < 0n ? "must not be negative" : `must be at least ${min}`, value);
  const max = MAX_UINT(options.bits ?? 256);
  if (n > max) throw new InvalidInputError(field, `must be at most ${max} (uint${options.bits ?? 256})`, value);
  return n;
}

/** An id of something that exists on chain (agents, tasks, groups and schedules count from 1). */
export const id = (field: string, value: IntegerLike): bigint => uint(field, value, { min: 1n });

/** A token amount in base units (wei); `positive` rejects zero. */
export const amount = (field: string, value: IntegerLike, positive = false): bigint =>
  uint(field, value, { min: positive ? 1n : 0n });

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * A decimal amount ("0.01", "10", or a JSON number) in base units of a token with `decimals`
 * decimals (default 18): "0.01" ETH → 10000000000000000n. Rejects signs, exponents and more decimal
 * places than the token has; `positive` rejects zero.
 */
export function decimalAmount(
  field: string,
  value: string | number,
  unit: string,
  options: { decimals?: number; positive?: boolean } = {},
): bigint {
  const decimals = options.decimals ?? 18;
  const text = typeof value === "number" ? String(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match)
    throw new InvalidInputError(field, `expected a non-negative decimal amount of ${unit}, such as 10 or 0.5`, value);
  if ((match[2]?.length ?? 0) > decimals)
    throw new InvalidInputError(field, `has more than ${decimals} decimal places (${unit} has ${decimals})`, value);
  const amount = parseUnits(text, decimals);
  if (options.positive && amount === 0n) throw new InvalidInputError(field, "must be more than zero", value);
  return amount;
}

/** A checksummed address. */
export function address(field: string, value: string): Address {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) {
    throw new InvalidInputError(field, "expected an address (0x followed by 40 hex digits)", value);
  }
  return getAddress(value);
}

/** A 32-byte value (a key, a hash, a channel id). */
export function bytes32(field: string, value: string): Hex {
  if (typeof value !== "string" || !isHex(value) || value.length !== 66) {
    throw new InvalidInputError(field, "expected 0x followed by 64 hex digits", value);
  }
  return value.toLowerCase() as Hex;
}

const CAPABILITY_NAME = /^[a-z0-9][a-z0-9._:/-]{0,63}$/;

/**
 * A capability tag: either its bytes32 id, or a name such as `"summarize"` or `"code/review"`
 * (lower-case letters, digits and `. _ : / -`, at most 64 characters), whose id is
 * `keccak256(name)`.
 */
export function capability(field: string, value: string): Hex {
  if (typeof value === "string" && value.startsWith("0x")) return bytes32(field, value);
  if (typeof value !== "string" || !CAPABILITY_NAME.test(value)) {
    throw new InvalidInputError(
      field,
      "expected a capability name (lower-case letters, digits and . _ : / -, up to 64 characters) or a bytes32 id",
      value,
    );
  }
  return keccak256(stringToHex(value));
}

/** A 32-byte name from a short string (group names, lock keys, channel names): keccak256 unless already bytes32. */
export function name32(field: string, value: string): Hex {
  if (typeof value !== "string" || value.length === 0)
    throw new InvalidInputError(field, "expected a non-empty name", value);
  return value.startsWith("0x") && value.length === 66 ? bytes32(field, value) : keccak256(stringToHex(value));
}

/** A URI's scheme (`ipfs:`, `https:`, `data:`). */
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** A URI: a non-empty string with a scheme (`ipfs://…`, `https://…`, `data:…`) and no whitespace. */
export function uri(field: string, value: string, optional = false): string {
  if (optional && value === "") return value;
  if (typeof value === "string" && SCHEME.test(value) && /\s/.test(value)) {
    throw new InvalidInputError(
      field,
      "a URI cannot hold spaces or line breaks: percent-encode them (a space is %20)",
      value,
    );
  }
  if (typeof value !== "string" || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(value)) {
    throw new InvalidInputError(field, "expected a URI with a scheme, such as ipfs://… or https://…", value);
  }
  return value;
}

/** A unix time (seconds) strictly after `now`. */
export function futureTime(field: string, value: IntegerLike, now: bigint): bigint {
  const t = uint(field, value, { bits: 64 });
  if (t <= now)
    throw new InvalidInputError(
      field,
      `must be in the future (chain time is ${now}, ${new Date(Number(now) * 1000).toISOString()})`,
      value,
    );
  return t;
}

/** A duration in seconds between `min` and `max`. */
export function duration(field: string, value: IntegerLike, min = 1n, max = MAX_UINT(64)): bigint {
  const d = uint(field, value, { bits: 64 });
  if (d < min || d > max) throw new InvalidInputError(field, `must be between ${min} and ${max} seconds`, value);
  return d;
}

/** Bytes from a hex string or UTF-8 text. */
export function payload(field: string, value: Hex | string, max?: number): Hex {
  if (typeof value === "string" && isHex(value) && value.length % 2 === 1)
    throw new InvalidInputError(field, "hex must have an even number of digits", value);
  const hex = typeof value === "string" && isHex(value) ? value : stringToHex(String(value));
  const length = (hex.length - 2) / 2;
  if (max !== undefined && length > max)
    throw new InvalidInputError(field, `must be at most ${max} bytes (got ${length})`);
  return hex;
}
