import { BaseError } from "viem";

export type StigmergyErrorParameters = {
  /** Machine-readable code, stable across versions (e.g. "INVALID_DEPLOYMENT"). */
  code: string;
  /** Further explanation shown under the short message. */
  details?: string | undefined;
  /** Extra lines (values, hints) shown after the short message. */
  metaMessages?: string[] | undefined;
  cause?: unknown;
};

/**
 * Base of every error Stigmergy's packages throw, built on viem's `BaseError` (so `walk`,
 * `shortMessage`, `metaMessages` and `details` work as on any viem error): a one-sentence
 * `shortMessage` a user can act on, a stable `code`, hints in `metaMessages`, and the underlying
 * `cause`.
 */
export class StigmergyError extends BaseError {
  override name = "StigmergyError";
  readonly code: string;

  constructor(shortMessage: string, params: StigmergyErrorParameters) {
    const cause = params.cause instanceof Error ? params.cause : undefined;
    super(shortMessage, {
      ...(cause ? { cause } : {}),
      ...(params.details !== undefined ? { details: params.details } : {}),
      ...(params.metaMessages ? { metaMessages: params.metaMessages } : {}),
    });
    // A cause that is not an Error (a JSON-RPC error object, say) is kept as it came.
    if (params.cause !== undefined && !cause)
      Object.defineProperty(this, "cause", {
        value: params.cause,
        enumerable: false,
        configurable: true,
        writable: true,
      });
    this.code = params.code;
  }
}
