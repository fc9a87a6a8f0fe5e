/**
 * Tasks — what is open, who holds what, until when: a board by status with each task's reward
 * (and where it stands on its ramp), lease countdowns, attempts, pending handoffs and escalations;
 * a task's page is its timeline from post to settlement.
 */
import { readTask, TASK_STATUSES, type TaskEventRow, type TaskRow, type TaskStatus } from "../data/indexer.ts";
import { amount, clock, duration, relative, short, tokenSymbol } from "../format.ts";
import { leaseLeft, nameOf, pendingHandoff, rampShare, rewardNow } from "../model.ts";
import { AgentLink, Countdown, Empty, Panel, Status, TaskLink, useLive, useRead } from "../ui.tsx";

const COLUMNS: { title: string; statuses: TaskStatus[] }[] = [
  { title: "Open", statuses: ["open"] },
  { title: "Claimed", statuses: ["claimed"] },
  { title: "Escalated", statuses: ["escalated"] },
  { title: "Submitted", statuses: ["submitted"] },
  { title: "Accepted", statuses: ["accepted"] },
  { title: "Cancelled / expired", statuses: ["cancelled", "expired"] },
];

/** The reward a task pays (ETH or its token), with its ramp when it has one. */
export function Reward({ t }: { t: TaskRow }) {
  const { snapshot, now } = useLive();
  const unit = tokenSymbol(t.rewardToken, snapshot.deployment?.contracts.StakeToken);
  const value = rewardNow(t, now);
  const ramps = t.maxReward !== t.reward;
  return (
    <span
      class="reward"
      title={
        ramps
          ? `rises from ${amount(t.reward)} to ${amount(t.maxReward)} ${unit} between posting and the deadline`
          : undefined
      }
    >
      {amount(value)} {unit}
      {ramps ? (
        <span class="ramp">
          {" "}
          <span class="share" aria-hidden="true">
            <span style={{ width: `${rampShare(t, now) * 100}%` }} />
          </span>{" "}
          <span class="muted small">
            {t.status === "open" ? "ramp" : "locked"} {amount(t.reward)}→{amount(t.maxReward)}
          </span>
        </span>
      ) : null}
    </span>
  );
}

function Card({ t, escalated }: { t: TaskRow; escalated: boolean }) {
  const { now } = useLive();
  const lease = leaseLeft(t, now);
  const handoff = pendingHandoff(t);
  return (
    <li class={`card task s-border-${t.status}`} data-testid={`task-${t.id}`} data-status={t.status}>
      <div class="row">
        <TaskLink id={t.id} />
        <Status status={t.status} />
      </div>
      <div class="row">
        <Reward t={t} />
      </div>
      <div class="row small">
        {t.capability === "0x0000000000000000000000000000000000000000000000000000000000000000" ? (
          <span class="muted">any capability</span>
        ) : (
          <span class="tag">{nameOf(t.capability)}</span>
        )}
        {t.scheduleId !== 0n ? (
          <span class="tag">
            schedule {t.scheduleId.toString()} round {t.round}
          </span>
        ) : null}
        {t.attempt > 1 ? <span class="tag">attempt {t.attempt}</span> : null}
        {escalated ? <span class="tag warn">was escalated</span> : null}
      </div>
      {t.claimant !== 0n && t.status !== "open" ? (
        <div class="small">
          by <AgentLink id={t.claimant} />
        </div>
      ) : null}
      {t.status === "claimed" && lease !== undefined ? (
        <Countdown left={lease} total={Number(t.leaseDuration)} label={`lease of task ${t.id}`} />
      ) : null}
      {t.status === "escalated" && lease !== undefined ? (
        <div class="small">⏸ lease paused with {duration(lease)} left, waiting for the approver</div>
      ) : null}
      {t.status === "submitted" && t.reviewDeadline ? (
        <div class="small">review closes {relative(Number(t.reviewDeadline), now)}</div>
      ) : null}
      {t.status === "open" ? <div class="small muted">deadline {relative(Number(t.deadline), now)}</div> : null}
      {handoff !== 0n ? (
        <div class="small">
          ⇢ handoff offered to <AgentLink id={handoff} />
        </div>
      ) : null}
    </li>
  );
}

export function TaskBoard() {
  const { snapshot } = useLive();
  const escalatedOnce = new Set(snapshot.taskEvents.filter((e) => e.kind === "TaskEscalated").map((e) => e.taskId));
  const total = TASK_STATUSES.reduce((s, st) => s + snapshot.taskCounts[st], 0);
  return (
    <>
      <TaskCounts />
      {total === 0 ? (
        <Empty>No task has been posted yet.</Empty>
      ) : (
        <div class="board">
          {COLUMNS.map((col) => {
            const tasks = snapshot.tasks.filter((t) => col.statuses.includes(t.status));
            const count = col.statuses.reduce((s, st) => s + snapshot.taskCounts[st], 0);
            return (
              <section class="column" aria-label={col.title} key={col.title}>
                <h2>
                  {col.title} <span class="count">{count}</span>
                </h2>
                <ul>
                  {tasks.slice(0, 60).map((t) => (
                    <Card key={t.id.toString()} t={t} escalated={escalatedOnce.has(t.id)} />
                  ))}
                </ul>
                {tasks.length > 60 ? <p class="muted small">and {tasks.length - 60} more</p> : null}
              </section>
            );
          })}
        </div>
      )}
      {snapshot.tasks.length < snapshot.totals.tasks ? (
        <p class="muted small">
          The board shows the newest {snapshot.tasks.length} of {snapshot.totals.tasks} tasks; the counts are exact.
        </p>
      ) : null}
    </>
  );
}

/** Counts by status, exact (GraphQL totalCount). */
export function TaskCounts() {
  const { snapshot } = useLive();
  return (
    <ul class="counts" aria-label="Tasks by status">
      {TASK_STATUSES.map((s) => (
        <li key={s}>
          <Status status={s} /> <b data-testid={`count-${s}`}>{snapshot.taskCounts[s]}</b>
        </li>
      ))}
    </ul>
  );
}

const describeEvent = (e: TaskEventRow): string => {
  const d = e.data;
  switch (e.kind) {
    case "TaskPosted":
      return "posted";
    case "TaskClaimed":
      return (
        `claimed (attempt ${d.attempt}), lease until ${clock(BigInt(d.leaseExpiry ?? 0))}, ` +
        `reward locked at ${amount(BigInt(d.lockedReward ?? 0))}`
      );
    case "LeaseRenewed":
      return `lease renewed until ${clock(BigInt(d.leaseExpiry ?? 0))}`;
    case "TaskSubmitted":
      return `submitted ${d.resultURI ?? ""}`;
    case "TaskAccepted":
      return "accepted: reward and bond credited";
    case "TaskRejected":
      return `rejected ${d.reasonURI ?? ""}`;
    case "TaskReclaimed":
      return "reclaimed: the lease expired, the bond went to the poster";
    case "TaskHandedOff":
      return `handoff offered (context ${d.contextURI ?? ""})`;
    case "TaskEscalated":
      return `escalated: ${d.questionURI ?? ""} (lease paused with ${duration(Number(d.leaseRemaining ?? 0))} left)`;
    case "EscalationResolved":
      return `answered ${d.answerURI ?? ""}, ${String(d.resume) === "true" ? "work resumes" : "the task reopens"}`;
    case "TaskCancelled":
      return "cancelled by the poster (refunded)";
    case "TaskExpired":
      return "expired: the deadline passed (refunded)";
    default:
      return e.kind;
  }
};

export function TaskDetail({ id }: { id: bigint }) {
  const { state, snapshot, now, href } = useLive();
  const { data, error } = useRead(() => readTask(state, id), [id, state.revision, state.base]);
  if (error)
    return (
      <Empty>
        Could not read task {id.toString()}: {error}
      </Empty>
    );
  if (data === undefined) return <Empty>Reading task {id.toString()}…</Empty>;
  if (data === null) return <Empty>Task {id.toString()} is not indexed (yet).</Empty>;
  const { task: t, history } = data;
  const lease = leaseLeft(t, now);
  const unit = tokenSymbol(t.rewardToken, snapshot.deployment?.contracts.StakeToken);
  return (
    <>
      <p>
        <a href={href("tasks")}>← all tasks</a>
      </p>
      <Panel title={`Task ${t.id}`} note={<Status status={t.status} />}>
        <dl class="facts wide">
          <dt>Reward</dt>
          <dd>
            <Reward t={t} />
          </dd>
          <dt>Escrowed</dt>
          <dd>
            {amount(t.maxReward)} {unit}
            {t.claimBond ? ` + claim bond ${amount(t.claimBond)} ${unit}` : ""}
          </dd>
          <dt>Poster</dt>
          <dd class="mono">{short(t.poster, 6)}</dd>
          <dt>Capability</dt>
          <dd>{nameOf(t.capability)}</dd>
          <dt>Spec</dt>
          <dd class="mono">{t.specURI}</dd>
          <dt>Claimant</dt>
          <dd>{t.claimant === 0n ? <span class="muted">none</span> : <AgentLink id={t.claimant} />}</dd>
          <dt>Attempt</dt>
          <dd>{t.attempt} (the fencing token every act of the claimant carries)</dd>
          {lease !== undefined && t.status === "claimed" ? (
            <>
              <dt>Lease</dt>
              <dd>
                <Countdown left={lease} total={Number(t.leaseDuration)} label="lease" />
              </dd>
            </>
          ) : null}
          <dt>Deadline</dt>
          <dd>
            {clock(t.deadline)} ({relative(Number(t.deadline), now)})
          </dd>
          {t.resultURI ? (
            <>
              <dt>Result</dt>
              <dd class="mono">{t.resultURI}</dd>
            </>
          ) : null}
        </dl>
      </Panel>
      <Panel title="Timeline" note={`${history.length} events`}>
        <ol class="timeline" data-testid="timeline">
          {history.map((e) => (
            <li key={e.id} class={`k-${e.kind}`}>
              <time>{clock(e.timestamp)}</time>
              <span class="what">{describeEvent(e)}</span>
              {e.agentId !== null ? <AgentLink id={e.agentId} /> : null}
              {e.kind === "TaskHandedOff" && e.data.toAgentId ? (
                <>
                  {" "}
                  → <AgentLink id={BigInt(e.data.toAgentId)} />
                </>
              ) : null}
              <span class="muted small mono"> block {e.blockNumber.toString()}</span>
            </li>
          ))}
        </ol>
        <p>
          <a href={href(`activity?task=${t.id}`)}>Every event about this task in the activity log →</a>
        </p>
      </Panel>
    </>
  );
}
