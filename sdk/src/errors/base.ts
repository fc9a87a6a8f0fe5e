export type StigmergyErrorParameters = {
  /** Machine-readable code, stable across versions (e.g. "INVALID_DEPLOYMENT"). */
  code: string;
  /** Further explanation shown under the short message. */
  details?: string;
  /** Extra lines (values, hints) shown after the details. */
  metaMessages?: string[];
  cause?: unknown;
};

/**
 * Base of every error the SDK throws: a one-sentence `shortMessage` a user can act on, a stable
 * `code`, optional `details` and `metaMessages`, and the underlying `cause`.
 */
export class StigmergyError extends Error {
  override name = "StigmergyError";
  readonly code: string;
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly metaMessages: string[] | undefined;

  constructor(shortMessage: string, params: StigmergyErrorParameters) {
    const lines = [shortMessage];
    if (params.metaMessages?.length) lines.push("", ...params.metaMessages);
    if (params.details) lines.push("", `Details: ${params.details}`);
    super(lines.join("\n"), params.cause === undefined ? undefined : { cause: params.cause });
    this.code = params.code;
    this.shortMessage = shortMessage;
    this.details = params.details;
    this.metaMessages = params.metaMessages;
  }
}
