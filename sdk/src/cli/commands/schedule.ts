/** `stigmergy schedule create | list | cancel`: recurring tasks. */
import { zeroAddress } from "viem";
import type { Command } from "../command.js";
import { table, time } from "../output.js";
import * as parse from "../values.js";
import { chainTime, money, required, SPEC_OPTIONS, taskTerms } from "./task.js";

const create: Command = {
  path: ["schedule", "create"],
  summary: "Create a schedule: COUNT tasks, one every INTERVAL, escrowing COUNT × reward",
  options: {
    ...SPEC_OPTIONS,
    "first-in": { type: "string", value: "S", description: "round 0 falls due this long from now (required; 0 for now)" },
    interval: { type: "string", value: "S", description: "time between rounds (required)" },
    count: { type: "string", value: "N", description: "number of rounds (required)" },
    window: { type: "string", value: "S", description: "how long after its due time a round can be claimed (default 1h)" },
  },
  details: ["The first eligible agent to claim a due round spawns its task and takes it in one transaction; no keeper is needed."],
  examples: ["stigmergy schedule create --spec ipfs://daily-report --reward 0.01 --first-in 1m --interval 1d --count 7"],
  async run({ flags, session }) {
    const terms = taskTerms(flags);
    const firstIn = parse.seconds("first-in", required(flags, "first-in", "the delay until round 0"));
    const interval = parse.seconds("interval", required(flags, "interval", "the time between rounds"));
    const count = Number(parse.whole("count", required(flags, "count", "the number of rounds"), { bits: 32, min: 1n }));
    const window = flags.string("window");
    const agent = await session.agent();
    const firstAt = (await chainTime(agent)) + firstIn;
    const template = { ...terms, ...(window !== undefined ? { deadline: parse.seconds("window", window) } : {}) };
    const created = await session.progress.run(`creating a schedule of ${count} rounds`, () => agent.schedules.create({ template, firstAt, interval, count }));
    return {
      data: { scheduleId: created.scheduleId, firstAt, interval, count, maxReward: terms.maxReward, txHash: created.hash },
      text: `created schedule ${created.scheduleId}: ${count} rounds of ${money(terms.maxReward, terms.rewardToken ?? zeroAddress)}, the first due at ${time(firstAt)}, then every ${interval} s`,
    };
  },
};

const list: Command = {
  path: ["schedule", "list"],
  summary: "List schedules, newest first",
  options: {
    active: { type: "boolean", description: "only schedules with rounds left to spawn" },
    limit: { type: "string", value: "N", description: "at most N schedules (default 50)" },
  },
  async run({ flags, session }) {
    const agent = await session.agent();
    const limit = Number(parse.whole("limit", flags.string("limit") ?? "50", { bits: 16, min: 1n }));
    const schedules = await agent.schedules.list({ active: flags.flag("active"), limit });
    const rows = schedules.map((s) => [String(s.id), s.poster, time(s.firstAt), `${s.interval} s`, `${s.spawned}/${s.count}`, s.cancelled ? "cancelled" : s.spawned >= s.count ? "done" : "active"]);
    return { data: { schedules }, text: table(["ID", "POSTER", "FIRST DUE", "INTERVAL", "SPAWNED", "STATE"], rows, "no schedules") };
  },
};

const cancel: Command = {
  path: ["schedule", "cancel"],
  summary: "Cancel the rounds not yet spawned (the poster): their escrow comes back as credit",
  args: ["ID"],
  async run({ args, session }) {
    const id = parse.id("ID", args.ID!);
    const agent = await session.agent();
    const sent = await session.progress.run(`cancelling schedule ${id}`, () => agent.schedules.cancel(id));
    return { data: { scheduleId: id, txHash: sent.hash }, text: `cancelled schedule ${id} (tx ${sent.hash})` };
  },
};

export const scheduleCommands: Command[] = [create, list, cancel];
