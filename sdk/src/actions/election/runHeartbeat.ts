import { actingAgent, type Context, read, type Written } from "../../client/context.js";
import type { MissingConfigError } from "../../errors/config.js";
import type { InvalidInputError } from "../../errors/input.js";
import { timerMs } from "../../utils/watch.js";
import * as v from "../../validate.js";
import { sendHeartbeat } from "./sendHeartbeat.js";
import { watchLeaderChanges } from "./watchLeaderChanges.js";

export type RunHeartbeatParameters = {
  groupId: bigint | number | string;
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
  /** Milliseconds between heartbeats (default: a third of the group's heartbeat timeout). */
  intervalMs?: number | undefined;
  /** Called with each heartbeat sent. */
  onBeat?: ((written: Written) => void) | undefined;
  /** Called with each failure (of a heartbeat, or of the leadership feed). */
  onError?: ((error: unknown) => void) | undefined;
};

export type HeartbeatHandle = {
  /**
   * Stops heartbeating and watching. Resolves once a heartbeat already sent has been mined or has
   * failed (its receipt awaited; a transaction whose wait timed out may still be mined later), and
   * `onBeat`/`onError` are not called after it. Never rejects.
   */
  stop: () => Promise<void>;
};

export type RunHeartbeatReturnType = HeartbeatHandle;

/** Failures go to `onError`; only invalid input and a missing agent id are thrown. */
export type RunHeartbeatErrorType = InvalidInputError | MissingConfigError;

/**
 * Keeps the agent's leadership alive: while it leads the group it heartbeats every
 * `heartbeatTimeout / 3` seconds (or `intervalMs`); when it is not (or stops being) the leader it
 * sends nothing. Returns the handle that stops it.
 *
 * @example
 * const heartbeat = runHeartbeat(agent, { groupId: 1n, onError: console.warn });
 * // later: await heartbeat.stop();
 */
export function runHeartbeat(ctx: Context, params: RunHeartbeatParameters): RunHeartbeatReturnType {
  const id = v.id("groupId", params.groupId);
  const me = actingAgent(ctx, params.agentId);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let leading = false; // the latest news: whether this agent leads
  const inFlight = new Set<Promise<void>>();
  // The caller's callbacks, never after stop(); one that throws is not the heartbeat's failure.
  const report = (e: unknown) => {
    if (stopped) return;
    try {
      params.onError?.(e);
    } catch {
      // an onError that throws has nowhere else to go
    }
  };
  const beat = () => {
    const sent = sendHeartbeat(ctx, { groupId: id, agentId: me }).then((w) => {
      if (stopped) return;
      try {
        params.onBeat?.(w);
      } catch (error) {
        report(error);
      }
    }, report);
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
  };
  const start = async () => {
    const interval =
      params.intervalMs ?? Number((await read(ctx, "LeaderElection", "groupParams", [id]))[0].heartbeatTimeout) * 333;
    // Leadership may have been lost (or the handle stopped) while the interval was read.
    if (timer || stopped || !leading) return;
    timer = setInterval(beat, timerMs(Math.max(250, interval)));
    void beat();
  };
  const halt = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const unsubscribe = watchLeaderChanges(ctx, {
    groupId: id,
    onChange: (l) => {
      leading = l.leader === me;
      if (leading) start().catch(report);
      else halt();
    },
    onError: report,
  });
  return {
    stop: async () => {
      stopped = true;
      halt();
      unsubscribe();
      await Promise.all(inFlight);
    },
  };
}
