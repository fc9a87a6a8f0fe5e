/** What `stigmergy schedule …` does (recurring tasks), loaded when one of its commands runs. */
import { zeroAddress } from "viem";
import { chainNow } from "../../utils/watch.js";
import type { CommandInput } from "../command.js";
import { table, time } from "../format.js";
import type { CommandResult } from "../output.js";
import * as parse from "../values.js";
import { money, required, taskTerms } from "./tasks.js";

export async function create({ flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const terms = taskTerms(flags);
  const firstIn = parse.seconds("first-in", required(flags, "first-in", "the delay until round 0"));
  const interval = parse.seconds("interval", required(flags, "interval", "the time between rounds"));
  const count = Number(parse.whole("count", required(flags, "count", "the number of rounds"), { bits: 32, min: 1n }));
  const window = flags.string("window");
  const agent = await session.agent();
  const firstAt = (await chainNow(agent)) + firstIn;
  const template = { ...terms, ...(window !== undefined ? { deadline: parse.seconds("window", window) } : {}) };
  const created = await session.progress.run(`creating a schedule of ${count} rounds`, () =>
    agent.schedules.create({ template, firstAt, interval, count }),
  );
  return {
    data: {
      scheduleId: created.scheduleId,
      firstAt,
      interval,
      count,
      maxReward: terms.maxReward,
      txHash: created.hash,
    },
    text:
      `created schedule ${created.scheduleId}: ${count} rounds of ` +
      `${money(terms.maxReward, terms.rewardToken ?? zeroAddress)}, the first due at ${time(firstAt)}, ` +
      `then every ${interval} s`,
  };
}

export async function list({ flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const agent = await session.agent();
  const limit = Number(parse.whole("limit", flags.string("limit") ?? "50", { bits: 16, min: 1n }));
  const schedules = await agent.schedules.list({ active: flags.flag("active"), limit });
  const rows = schedules.map((s) => [
    String(s.id),
    s.poster,
    time(s.firstAt),
    `${s.interval} s`,
    `${s.spawned}/${s.count}`,
    s.cancelled ? "cancelled" : s.spawned >= s.count ? "done" : "active",
  ]);
  return {
    data: { schedules },
    text: table(["ID", "POSTER", "FIRST DUE", "INTERVAL", "SPAWNED", "STATE"], rows, "no schedules"),
  };
}

export async function cancel({ args, session }: CommandInput): Promise<CommandResult | undefined> {
  const id = parse.id("ID", args.ID!);
  const agent = await session.agent();
  const sent = await session.progress.run(`cancelling schedule ${id}`, () => agent.schedules.cancel(id));
  return { data: { scheduleId: id, txHash: sent.hash }, text: `cancelled schedule ${id} (tx ${sent.hash})` };
}
