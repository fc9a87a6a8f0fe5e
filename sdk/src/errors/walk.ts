/**
 * The one walk down an error's `cause` chain: viem's `BaseError.walk`, applied to any error (viem's
 * walk follows `cause` on any object, not only on viem's errors), bounded so that a cyclic chain
 * ends.
 */
import { BaseError } from "viem";

/** Links visited at most (a cyclic `cause` chain would otherwise never end). */
const MAX_DEPTH = 32;

/**
 * The first link of `error`'s cause chain (outermost first, `error` itself included) for which
 * `fn` returns true, or `null` when none does.
 *
 * @example
 * const http = walkCauses(error, (e) => e instanceof HttpRequestError) as HttpRequestError | null;
 */
export function walkCauses(error: unknown, fn: (link: unknown) => boolean): unknown {
  if (error === null || error === undefined) return null;
  let depth = 0;
  let exhausted = false;
  const found = BaseError.prototype.walk.call(error, (link: unknown) => {
    if (++depth > MAX_DEPTH) {
      exhausted = true;
      return true;
    }
    return fn(link);
  });
  return exhausted ? null : found;
}
