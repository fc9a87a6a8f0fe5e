/** Lookups that found nothing. */
import { StigmergyError } from "./base.js";

/** The thing asked about does not exist, or is not indexed yet (or there is nothing to claim). */
export class NotFoundError extends StigmergyError {
  override name = "NotFoundError";
  /** @param what The sentence saying what was not found. @param hint What to do about it. */
  constructor(what: string, hint?: string) {
    super(what, { code: "NOT_FOUND", ...(hint ? { metaMessages: [hint] } : {}) });
  }
}
