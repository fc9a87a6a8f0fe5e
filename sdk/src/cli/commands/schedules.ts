/** `stigmergy schedule create | list | cancel`: recurring tasks (the `schedules` primitive). */
import { type Command, lazy } from "../command.js";
import { SPEC_OPTIONS } from "./tasks.js";

const load = () => import("../run/schedules.js");

const create: Command = {
  path: ["schedule", "create"],
  summary: "Create a schedule: COUNT tasks, one every INTERVAL, escrowing COUNT × reward",
  options: {
    ...SPEC_OPTIONS,
    "first-in": {
      type: "string",
      value: "S",
      description: "round 0 falls due this long from now (required; 0 for now)",
    },
    interval: { type: "string", value: "S", description: "time between rounds (required)" },
    count: { type: "string", value: "N", description: "number of rounds (required)" },
    window: {
      type: "string",
      value: "S",
      description: "how long after its due time a round can be claimed (default 1h)",
    },
  },
  details: [
    "The first eligible agent to claim a due round spawns its task and takes it in one transaction; " +
      "no keeper is needed.",
  ],
  examples: [
    "stigmergy schedule create --spec ipfs://daily-report --reward 0.01 --first-in 1m --interval 1d --count 7",
  ],
  run: lazy(load, "create"),
};

const list: Command = {
  path: ["schedule", "list"],
  summary: "List schedules, newest first",
  options: {
    active: { type: "boolean", description: "only schedules with rounds left to spawn" },
    limit: { type: "string", value: "N", description: "at most N schedules (default 50)" },
  },
  run: lazy(load, "list"),
};

const cancel: Command = {
  path: ["schedule", "cancel"],
  summary: "Cancel the rounds not yet spawned (the poster): their escrow comes back as credit",
  args: ["ID"],
  run: lazy(load, "cancel"),
};

export const schedulesCommands: Command[] = [create, list, cancel];
