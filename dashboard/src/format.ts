/** Numbers with their units, short ids, times. Amounts are 18-decimal token units. */
import type { Hex } from "./data/indexer.ts";

const ZERO = "0x0000000000000000000000000000000000000000";

/** A fixed-point 18-decimal amount as a decimal string with at most `digits` fraction digits (no float rounding). */
export function amount(wei: bigint, digits = 4): string {
  const negative = wei < 0n;
  const v = negative ? -wei : wei;
  const whole = v / 10n ** 18n;
  const frac = (v % 10n ** 18n).toString().padStart(18, "0").slice(0, digits).replace(/0+$/, "");
  if (frac === "" && v !== 0n && whole === 0n) {
    // Too small to show at this precision: say so rather than print 0.
    return `${negative ? "−" : ""}< 0.${"0".repeat(digits - 1)}1`;
  }
  const wholeText = whole.toLocaleString("en-US");
  return `${negative ? "−" : ""}${wholeText}${frac ? `.${frac}` : ""}`;
}

/** The symbol of a reward or credit token: ETH for the zero address, STK for the stake token. */
export function tokenSymbol(token: Hex, stakeToken: Hex | undefined): string {
  if (token.toLowerCase() === ZERO) return "ETH";
  if (stakeToken && token.toLowerCase() === stakeToken.toLowerCase()) return "STK";
  return `tokens of ${short(token)}`;
}

export const eth = (wei: bigint) => `${amount(wei)} ETH`;
export const stk = (wei: bigint, digits = 2) => `${amount(wei, digits)} STK`;

/** 0x1234…abcd */
export const short = (hex: string, keep = 4) =>
  hex.length <= 2 + keep * 2 + 1 ? hex : `${hex.slice(0, 2 + keep)}…${hex.slice(-keep)}`;

/** A duration in seconds as "42 s", "3 min 05 s", "2 h 10 min". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** "12 s ago" / "in 12 s". */
export function relative(atSeconds: number, nowSeconds: number): string {
  const d = atSeconds - nowSeconds;
  return d >= 0 ? `in ${duration(d)}` : `${duration(-d)} ago`;
}

/** A chain timestamp as local clock time. */
export const clock = (seconds: bigint | number) =>
  new Date(Number(seconds) * 1000).toLocaleTimeString("en-GB", { hour12: false });

/** The larger of two bigints (Math.max takes numbers only). */
export function maxBig(a: bigint, b: bigint): bigint {
  if (a > b) return a;
  return b;
}

/** bytes32 that is a zero-padded ASCII string ("swarm") as its text, else undefined. */
export function bytes32Text(hex: Hex | null | undefined): string | undefined {
  if (hex?.length !== 66) return undefined;
  const bytes = hex
    .slice(2)
    .match(/../g)!
    .map((b) => Number.parseInt(b, 16));
  const end = bytes.indexOf(0);
  const used = end < 0 ? bytes : bytes.slice(0, end);
  if (used.length === 0 || bytes.slice(used.length).some((b) => b !== 0)) return undefined;
  return used.every((b) => b >= 0x20 && b < 0x7f) ? String.fromCharCode(...used) : undefined;
}

/** A message payload as text when it is printable UTF-8, else its hex. */
export function payloadText(payload: Hex): string {
  try {
    const bytes = new Uint8Array((payload.slice(2).match(/../g) ?? []).map((b) => Number.parseInt(b, 16)));
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}\n\t]*$/u.test(text) ? text : payload;
  } catch {
    return payload;
  }
}

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
