/**
 * The process the API runs in: which Ponder command it is (`start` indexes and dispatches webhooks,
 * `serve` only answers), the chains it follows, and the guards that refuse to run wrongly. Loaded before
 * any route: an unpatched Ponder on PGlite, or a moved port, stops the process here.
 */
import { chainsFromEnv } from "../lib/chains.js";
import { exitWithSupervisor, ponderCommand, refusePortMove, requirePatchedPonder } from "../lib/ponder.js";

/** `start`, `serve` or `dev` (undefined outside a Ponder process). */
export const command = ponderCommand();

/** The chains this process indexes or serves (as ponder.config.ts reads them), in configuration order. */
export const chains = chainsFromEnv();

requirePatchedPonder();
refusePortMove();
exitWithSupervisor();
