/** Message payloads as people read them. */
import { type Hex, hexToString } from "viem";

/** The most bytes a message carries (MessageBus.MAX_PAYLOAD, checked again on chain). */
export const MAX_PAYLOAD = 16_384;

/**
 * A payload as text when it is UTF-8, else its hex.
 *
 * @example
 * payloadText("0x6869"); // "hi"
 */
export function payloadText(payload: Hex): string {
  try {
    const text = hexToString(payload);
    return /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}\n\t]*$/u.test(text) ? text : payload;
  } catch {
    return payload;
  }
}
