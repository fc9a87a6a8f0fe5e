/**
 * Locks and votes — who may touch a shared resource, and how decisions stand: every lock with its
 * holder, fencing token and expiry; every proposal with its tally per option against its quorum.
 */
import { amount, clock, maxBig, relative } from "../format.ts";
import { nameOf, outcomeText, tally } from "../model.ts";
import { AgentLink, Countdown, Empty, GroupLink, Panel, useLive } from "../ui.tsx";

export function Coordination() {
  const { snapshot, now } = useLive();
  return (
    <>
      <Panel title="Locks" note="a fencing token only ever grows per key: guarded writes carry it">
        {snapshot.locks.length === 0 ? (
          <Empty>No lock has been taken yet.</Empty>
        ) : (
          <div class="scroll">
            <table class="grid" data-testid="locks">
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Holder</th>
                  <th scope="col" class="num">
                    Fencing token
                  </th>
                  <th scope="col">Expiry</th>
                  <th scope="col">Last change</th>
                </tr>
              </thead>
              <tbody>
                {snapshot.locks.map((l) => {
                  const left = Number(l.expiresAt) - now;
                  const held = l.holder !== 0n && left > 0;
                  return (
                    <tr key={l.key}>
                      <td class="mono">{nameOf(l.key)}</td>
                      <td>
                        {held ? (
                          <AgentLink id={l.holder} />
                        ) : (
                          <span class="muted">free{l.holder !== 0n ? " (expired)" : ""}</span>
                        )}
                      </td>
                      <td class="num">{l.fencingToken.toString()}</td>
                      <td>
                        {held ? (
                          <Countdown
                            left={left}
                            total={Math.max(left, Number(l.expiresAt - l.updatedAt))}
                            label={`lock ${nameOf(l.key)}`}
                          />
                        ) : (
                          <span class="muted">—</span>
                        )}
                      </td>
                      <td>{clock(l.updatedAt)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
      <Panel title="Proposals" note="votes weigh the members' stake at the proposal's snapshot">
        {snapshot.proposals.length === 0 ? (
          <Empty>No proposal yet.</Empty>
        ) : (
          snapshot.proposals.map((p) => {
            const t = tally(p, snapshot.votes);
            const open = !p.finalized && Number(p.voteEnd) > now;
            const scale = t.reduce((m, x) => maxBig(x.weight, m), p.quorumVotes);
            const quorumMet = p.totalVotes >= p.quorumVotes;
            return (
              <div class="card proposal" key={p.id.toString()} data-testid={`proposal-${p.id}`}>
                <h3>
                  Proposal {p.id.toString()} <span class="muted">in</span> <GroupLink id={p.groupId} />
                </h3>
                <p class="mono small">{p.descriptionURI}</p>
                <p>
                  {p.finalized ? (
                    <b>finalized: {outcomeText(p.outcome)}</b>
                  ) : open ? (
                    <>voting closes {relative(Number(p.voteEnd), now)}</>
                  ) : (
                    <>voting closed; waiting for finalize</>
                  )}{" "}
                  · quorum {(p.quorumBps / 100).toFixed(1)} % = {p.quorumVotes.toString()} units · cast{" "}
                  {p.totalVotes.toString()} units {quorumMet ? "✓ quorum reached" : "✕ below quorum"}
                </p>
                <table class="grid tally">
                  <tbody>
                    {t.map((x) => (
                      <tr key={x.option}>
                        <th scope="row">option {x.option}</th>
                        <td class="barcell">
                          <span class="share wide" aria-hidden="true">
                            <span style={{ width: `${scale === 0n ? 0 : Number((x.weight * 1000n) / scale) / 10}%` }} />
                            {scale > 0n ? (
                              <i
                                class="quorum"
                                style={{ left: `${Number((p.quorumVotes * 1000n) / scale) / 10}%` }}
                                title="quorum"
                              />
                            ) : null}
                          </span>
                        </td>
                        <td class="num">
                          {x.weight.toString()} units · {x.voters} {x.voters === 1 ? "voter" : "voters"}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <p class="muted small">
                  The dashed mark is the quorum (on all votes cast); weight units are stake ÷ the election's weight unit
                  ({amount(snapshot.weightUnit, 9)} STK).
                </p>
              </div>
            );
          })
        )}
      </Panel>
    </>
  );
}
