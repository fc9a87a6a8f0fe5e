/** The indexer: down, or an answer the SDK cannot use. */
import { StigmergyError } from "./base.js";

/** Thrown when the indexer cannot answer (down, or an unexpected reply). */
export class IndexerError extends StigmergyError {
  override name = "IndexerError";
  readonly status: number | undefined;
  constructor(url: string, problem: string, status?: number, cause?: unknown) {
    super(`The indexer at ${url} ${problem}.`, {
      code: "INDEXER_ERROR",
      metaMessages: ["Check that the indexer is running (`npm run indexer`) and that indexerUrl points at it."],
      cause,
    });
    this.status = status;
  }
}
