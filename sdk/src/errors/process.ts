/** Child processes the CLI runs in a checkout (its devnet, its deploy script). */
import { StigmergyError } from "./base.js";

/** A child process that failed; its last lines of output are in `metaMessages`. */
export class ChildProcessError extends StigmergyError {
  override name = "ChildProcessError";
  constructor(what: string, output: string) {
    const tail = output.trim().split("\n").slice(-12);
    super(`${what}.`, {
      code: "CHILD_PROCESS_FAILED",
      metaMessages: tail.length && tail[0] ? ["Its last output:", ...tail.map((l) => `  ${l}`)] : [],
    });
  }
}
