/**
 * `stigmergy watch`: a live stream of every contract event, one line each, until Ctrl-C (or
 * `--limit N` events). With an indexer: a live query over its `activity` table (pushed, no
 * polling); without: viem event watching of every contract in the deployment.
 */
import { type Command, lazy } from "../command.js";

const load = () => import("../run/watch.js");

const watch: Command = {
  path: ["watch"],
  summary: "Stream contract events live, one line each, until Ctrl-C",
  options: {
    limit: { type: "string", value: "N", description: "exit after N events" },
    contract: {
      type: "string",
      value: "NAME",
      multiple: true,
      description: "only events of this contract (TaskBoard, LeaderElection, …); repeatable",
    },
    "from-block": { type: "string", value: "N", description: "first print past events from block N on" },
  },
  details: [
    "With --indexer: pushed by a live query over the indexer's activity table; without: the node's log filters.",
    "With --json: one JSON object per line (blockNumber, logIndex, contract, event, args, txHash).",
    'Prints "watching …" on stderr once it is following, so scripts know when to start acting.',
  ],
  examples: [
    "stigmergy watch --indexer http://127.0.0.1:42069",
    "stigmergy watch --limit 1 --json --contract TaskBoard",
  ],
  run: lazy(load, "watch"),
};

export const watchCommands: Command[] = [watch];
