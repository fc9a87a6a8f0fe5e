/**
 * The process the API runs in: which Ponder command it is (`start` indexes and dispatches webhooks,
 * `serve` only answers), the chain it asks, and the guards that refuse to run wrongly. Loaded before
 * any route: an unpatched Ponder on PGlite, or a moved port, stops the process here.
 */
import { exitWithSupervisor, ponderCommand, refusePortMove, requirePatchedPonder } from "../lib/ponder.js";

/** `start`, `serve` or `dev` (undefined outside a Ponder process). */
export const command = ponderCommand();

/** The chain's JSON-RPC (as ponder.config.ts reads it). */
export const rpcUrl = process.env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8545";

requirePatchedPonder();
refusePortMove();
exitWithSupervisor();
