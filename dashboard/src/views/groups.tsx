/**
 * Groups — who leads, since when, until when: leader, term (the fencing token), epoch, the
 * heartbeat countdown against the timeout (red in its last quarter, before anyone may fail the
 * leader over), a pending draw, members by weight, and the term history with failovers and slashes.
 */
import { useEffect } from "preact/hooks";
import type { GroupRow } from "../data/indexer.ts";
import { amount, clock, duration, stk } from "../format.ts";
import { nameOf } from "../model.ts";
import { AgentLink, Countdown, Empty, Panel, useLive } from "../ui.tsx";

/** The leader's seat: leader, term, epoch, heartbeat countdown, pending draw. */
export function GroupCard({ g }: { g: GroupRow }) {
  const { snapshot, now } = useLive();
  const sinceBeat = now - Number(g.lastHeartbeat);
  const timeout = Number(g.heartbeatTimeout);
  // Epochs count from 1: epoch e runs from startTime + (e - 1) * epochDuration.
  const current = Math.floor((now - Number(g.startTime)) / Number(g.epochDuration)) + 1;
  const nextEpochAt = Number(g.startTime) + current * Number(g.epochDuration);
  const pending = g.drawBlock !== 0n;
  const settleable = pending && snapshot.block.number > g.drawBlock;
  return (
    <div class="card group" data-testid={`group-${g.id}`}>
      <h3>
        Group {g.id.toString()} <span class="muted">“{nameOf(g.name)}”</span>
      </h3>
      <dl class="facts">
        <dt>Leader</dt>
        <dd data-testid={`group-${g.id}-leader`} data-value={g.leader.toString()}>
          {g.leader === 0n ? <span class="muted">vacant</span> : <AgentLink id={g.leader} />}
        </dd>
        <dt>Term</dt>
        <dd data-testid={`group-${g.id}-term`} data-value={g.term.toString()}>
          {g.term.toString()}
        </dd>
        <dt>Epoch</dt>
        <dd>
          {g.epoch.toString()}{" "}
          <span class="muted">
            {current > Number(g.epoch)
              ? `(epoch ${current} has begun: anyone may call elect)`
              : `(epoch ${current + 1} in ${duration(nextEpochAt - now)})`}
          </span>
        </dd>
        <dt>Heartbeat</dt>
        <dd>
          {g.leader === 0n ? (
            <span class="muted">no leader to beat</span>
          ) : (
            <>
              <Countdown
                left={timeout - sinceBeat}
                total={timeout}
                label={`heartbeat deadline of group ${g.id}`}
                testid={`group-${g.id}-heartbeat`}
              />
              <span class="muted small block">
                last {duration(sinceBeat)} ago · timeout {duration(timeout)}
                {sinceBeat > timeout ? " · anyone may call failover" : ""}
              </span>
            </>
          )}
        </dd>
        {pending ? (
          <>
            <dt>Draw</dt>
            <dd data-testid={`group-${g.id}-draw`}>
              <span class="status s-escalated">⟳ pending</span> term {g.drawTerm.toString()}, epoch{" "}
              {g.drawEpoch.toString()}, bound to block {g.drawBlock.toString()}
              <span class="muted small">
                {" "}
                ·{" "}
                {settleable
                  ? "settled by the next call that touches the group"
                  : "its randomness arrives with the next block"}
              </span>
            </dd>
          </>
        ) : null}
        <dt>Members</dt>
        <dd>
          {g.memberCount} · min stake {stk(g.minStake)} · failover slash {stk(g.failoverSlash)}
        </dd>
      </dl>
    </div>
  );
}

export function Groups({ focus }: { focus?: bigint }) {
  const { snapshot } = useLive();
  useEffect(() => {
    if (focus !== undefined) document.getElementById(`group-${focus}`)?.scrollIntoView();
  }, [focus]);
  if (snapshot.groups.length === 0) return <Empty>No group has been created yet.</Empty>;
  return (
    <>
      {snapshot.groups.map((g) => {
        const members = snapshot.members
          .filter((m) => m.groupId === g.id)
          .sort((a, b) => (b.weight > a.weight ? 1 : b.weight < a.weight ? -1 : Number(a.agentId - b.agentId)));
        const total = members.reduce((s, m) => s + m.weight, 0n);
        const heaviest = members[0]?.weight ?? 0n;
        const terms = snapshot.terms.filter((t) => t.groupId === g.id).sort((a, b) => Number(b.term - a.term));
        const election = snapshot.deployment?.contracts.LeaderElection?.toLowerCase();
        const slashes = snapshot.slashes.filter(
          (s) => s.slasher.toLowerCase() === election && members.some((m) => m.agentId === s.agentId),
        );
        return (
          <Panel key={g.id.toString()} id={`group-${g.id}`} title={`Group ${g.id} — ${nameOf(g.name)}`}>
            <div class="cols">
              <GroupCard g={g} />
              <div>
                <h3>Members by weight</h3>
                <div class="scroll">
                  <table class="grid">
                    <thead>
                      <tr>
                        <th scope="col">Agent</th>
                        <th scope="col" class="num">
                          Weight (stake)
                        </th>
                        <th scope="col">Share</th>
                      </tr>
                    </thead>
                    <tbody>
                      {members.map((m) => {
                        const share = total === 0n ? 0 : Number((m.weight * 10_000n) / total) / 100;
                        const bar = heaviest === 0n ? 0 : Number((m.weight * 1000n) / heaviest) / 10;
                        return (
                          <tr key={m.agentId.toString()} class={m.agentId === g.leader ? "lead" : ""}>
                            <td>
                              <AgentLink id={m.agentId} />{" "}
                              {m.agentId === g.leader ? <span class="tag">leader</span> : null}
                            </td>
                            <td class="num" title={`${m.weight.toLocaleString("en-US")} weight units`}>
                              {stk(m.weight * snapshot.weightUnit)}
                            </td>
                            <td>
                              <span class="share" role="img" aria-label={`${share} percent`}>
                                <span style={{ width: `${bar}%` }} />
                              </span>{" "}
                              {share.toFixed(1)} %
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
                <p class="muted small">
                  Weight is the stake that counts in draws and votes (whole weight units of{" "}
                  {amount(snapshot.weightUnit, 9)} STK); an agent below the group's minimum stake weighs 0.
                </p>
              </div>
            </div>
            <h3>Terms</h3>
            <div class="scroll">
              <table class="grid" data-testid={`group-${g.id}-terms`}>
                <thead>
                  <tr>
                    <th scope="col" class="num">
                      Term
                    </th>
                    <th scope="col" class="num">
                      Epoch
                    </th>
                    <th scope="col">Leader</th>
                    <th scope="col">Started</th>
                    <th scope="col" class="num">
                      Heartbeats
                    </th>
                    <th scope="col">Ended by</th>
                  </tr>
                </thead>
                <tbody>
                  {terms.map((t) => (
                    <tr key={t.term.toString()} class={t.failedOverBy ? "bad" : ""}>
                      <td class="num">{t.term.toString()}</td>
                      <td class="num">{t.epoch.toString()}</td>
                      <td>
                        <AgentLink id={t.agentId} />
                      </td>
                      <td>{clock(t.startedAt)}</td>
                      <td class="num">{t.heartbeats}</td>
                      <td>
                        {t.failedOverBy ? (
                          <span class="status s-danger">⚡ failover, slashed {stk(g.failoverSlash)}</span>
                        ) : t.term === g.term ? (
                          <span class="muted">current</span>
                        ) : (
                          <span class="muted">next draw</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {slashes.length ? (
              <>
                <h3>Slashes by the election</h3>
                <div class="scroll">
                  <table class="grid">
                    <thead>
                      <tr>
                        <th scope="col">When</th>
                        <th scope="col">Agent</th>
                        <th scope="col" class="num">
                          Amount
                        </th>
                        <th scope="col">Reason</th>
                      </tr>
                    </thead>
                    <tbody>
                      {slashes.map((s) => (
                        <tr key={s.id}>
                          <td>{clock(s.timestamp)}</td>
                          <td>
                            <AgentLink id={s.agentId} />
                          </td>
                          <td class="num">{stk(s.amount)}</td>
                          <td>{nameOf(s.reason)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            ) : null}
          </Panel>
        );
      })}
    </>
  );
}
