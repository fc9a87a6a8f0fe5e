/**
 * Whether a run was correct (`npm start -- --once` exits 0 only if every check passes): every
 * task settled, no task worked by two agents at once, a failover replaced the killed leader,
 * the escrow reconciles, the schedule ran out, and the indexer agrees with the chain — on each
 * chain of the run (its checks then carry the chain's name).
 */
import { formatEther } from "viem";
import type { RunReport } from "./summary.ts";

export type Check = { name: string; ok: boolean; detail: string };

const eth = (wei: string) => `${formatEther(BigInt(wei))} ETH`;
const list = (xs: string[], max = 10) => (xs.length > max ? `${xs.slice(0, max).join(", ")}, …` : xs.join(", "));

export function checkRun(r: RunReport): Check[] {
  const failed = r.terms.filter((t) => t.failedOver);
  const lastTerm = r.terms.at(-1);
  const escrow = r.escrow;
  const balanced = BigInt(escrow.balance) === BigInt(escrow.escrowed) + BigInt(escrow.credits);
  const owed = BigInt(escrow.escrowed) === BigInt(escrow.expected);
  const unfinishedRounds = r.schedules.filter((s) => !s.cancelled && s.spawned < s.count);
  return [
    {
      name: `all ${r.tasksPlanned} tasks were posted`,
      ok: r.tasks.posted >= r.tasksPlanned,
      detail: `${r.tasks.posted} posted`,
    },
    {
      name: "every task ended accepted or accounted for (cancelled or expired, refunded)",
      ok: r.tasks.total > 0 && r.tasks.unfinished.length === 0 && r.tasks.chainUnfinished.length === 0,
      detail:
        r.tasks.unfinished.length || r.tasks.chainUnfinished.length
          ? `unsettled: indexer ${list(r.tasks.unfinished)}; chain ${list(r.tasks.chainUnfinished)}`
          : `${r.tasks.total}/${r.tasks.total} settled, ${r.tasks.byStatus.accepted ?? 0} accepted`,
    },
    {
      name: "no task had two claimants at once",
      ok: r.doubleWork.tasks.length === 0 && r.doubleWork.chainDuplicates.length === 0,
      detail:
        r.doubleWork.tasks.length || r.doubleWork.chainDuplicates.length
          ? `tasks ${list(r.doubleWork.tasks)}; claims of one attempt twice ${list(r.doubleWork.chainDuplicates)}`
          : "0 double claims (indexer history and chain logs)",
    },
    r.killed && !r.terms.some((t) => t.agentId === r.killed!.agentId)
      ? {
          // With several chains, the process killed for leading one chain may only have worked on another.
          name: "the killed agent held no seat here",
          ok: true,
          detail: `#${r.killed.agentId} ${r.killed.name} worked here and never led; its unfinished work went to others`,
        }
      : {
          name: "the killed leader was failed over and a new leader took over",
          ok:
            r.killed !== null &&
            failed.some((t) => t.agentId === r.killed!.agentId) &&
            lastTerm !== undefined &&
            Number(lastTerm.term) >= 2 &&
            lastTerm.agentId !== r.killed.agentId,
          detail: r.killed
            ? `killed #${r.killed.agentId}; ` +
              `failed over: ${failed.map((t) => `#${t.agentId} (term ${t.term})`).join(", ") || "none"}; ` +
              `now term ${lastTerm?.term ?? "-"} led by #${lastTerm?.agentId ?? "-"}`
            : "no leader was killed",
        },
    {
      name: "escrow reconciles",
      ok: balanced && owed,
      detail:
        `balance ${eth(escrow.balance)} ${balanced ? "=" : "≠"} escrowed ${eth(escrow.escrowed)} ` +
        `+ credits ${eth(escrow.credits)}; ` +
        `escrowed ${owed ? "=" : "≠"} owed by unsettled tasks and rounds ${eth(escrow.expected)}`,
    },
    {
      name: "the schedule's rounds were all done",
      ok: r.schedules.length > 0 && unfinishedRounds.length === 0,
      detail:
        r.schedules
          .map((s) => `schedule ${s.id}: ${s.spawned}/${s.count} rounds${s.cancelled ? " (cancelled)" : ""}`)
          .join("; ") || "no schedule was created",
    },
    {
      name: "the indexer agrees with the chain",
      ok: r.consistency.length === 0,
      detail: r.consistency.length ? list(r.consistency, 5) : "every indexed entity matches the contracts' views",
    },
  ];
}

export function formatChecks(checks: Check[]): string {
  const ok = checks.every((c) => c.ok);
  return [
    "",
    "  Checks",
    ...checks.map((c) => `    ${c.ok ? "✓" : "✗"} ${c.name}: ${c.detail}`),
    "",
    `  run correct: ${ok ? "yes" : "NO"}`,
  ].join("\n");
}
