/**
 * Escrow — is the money where it should be: per token, what the TaskBoard holds on chain against
 * what it owes (escrowed for unsettled tasks and schedule rounds + credits waiting to be withdrawn),
 * and the same figures recomputed from the index. Every line should reconcile.
 */
import { readEscrow } from "../data/indexer.ts";
import { amount, short, tokenSymbol } from "../format.ts";
import { indexedBooks } from "../model.ts";
import { Empty, Panel, useLive, useRead } from "../ui.tsx";

const Check = ({ ok, testid }: { ok: boolean; testid?: string }) => (
  <span class={ok ? "status s-accepted" : "status s-danger"} data-testid={testid} data-ok={String(ok)}>
    {ok ? "✓ reconciled" : "✕ differs"}
  </span>
);

export function Escrow() {
  const { state, snapshot, href } = useLive();
  const { data: books, error } = useRead(() => readEscrow(state), [state.revision, state.base]);
  const indexed = indexedBooks(snapshot);
  const stakeToken = snapshot.deployment?.contracts.StakeToken;
  const sameBlock = books !== undefined && books.block === snapshot.block.number;
  const tokens = [
    ...new Set([...indexed.books.map((b) => b.token), ...(books?.tokens.map((t) => t.token.toLowerCase()) ?? [])]),
  ];
  return (
    <>
      <Panel
        title="TaskBoard books"
        note={books ? `on chain at block ${books.block} · index at block ${snapshot.block.number}` : undefined}
      >
        {error ? <Empty>Could not read the chain's figures: {error}</Empty> : null}
        <div class="scroll">
          <table class="grid" data-testid="escrow">
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col" class="num">
                  Held (balance)
                </th>
                <th scope="col" class="num">
                  Escrowed
                </th>
                <th scope="col" class="num">
                  Credits owed
                </th>
                <th scope="col">held = escrowed + owed</th>
                <th scope="col" class="num">
                  Escrowed (index)
                </th>
                <th scope="col" class="num">
                  Owed (index)
                </th>
                <th scope="col">index = chain</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => {
                const chain = books?.tokens.find((t) => t.token.toLowerCase() === token);
                const ix = indexed.books.find((b) => b.token === token);
                const unit = tokenSymbol(token as `0x${string}`, stakeToken);
                return (
                  <tr key={token} data-testid={`escrow-${unit.split(" ")[0]}`}>
                    <th scope="row">{unit}</th>
                    <td class="num">{chain ? amount(chain.balance) : "…"}</td>
                    <td class="num">{chain ? amount(chain.escrowed) : "…"}</td>
                    <td class="num">{chain ? amount(chain.credits) : "…"}</td>
                    <td>
                      {chain ? (
                        <Check
                          ok={chain.balance === chain.escrowed + chain.credits}
                          testid={`books-${unit.split(" ")[0]}`}
                        />
                      ) : null}
                    </td>
                    <td class="num">
                      {ix ? amount(ix.escrowed) : "0"}{" "}
                      <span class="muted small">
                        ({ix?.tasks ?? 0} tasks, {ix?.rounds ?? 0} rounds)
                      </span>
                    </td>
                    <td class="num">{ix ? amount(ix.credits) : "0"}</td>
                    <td>
                      {chain && ix && sameBlock && indexed.complete ? (
                        <Check ok={chain.escrowed === ix.escrowed && chain.credits === ix.credits} />
                      ) : (
                        <span class="muted small">
                          {!indexed.complete ? "index page incomplete" : "different blocks: next change"}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p class="muted small">
          Escrowed: each unsettled task's maximum reward plus its claimant's bond, and every unspawned round of a live
          schedule. Owed: credits not yet withdrawn (rewards, refunds, slashed bonds). All amounts in whole tokens (18
          decimals).
        </p>
      </Panel>
      <Panel title="Credits owed" note="pull payments waiting for withdrawCredit">
        {snapshot.credits.filter((c) => c.amount > 0n).length === 0 ? (
          <Empty>Nothing is owed.</Empty>
        ) : (
          <table class="grid">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col" class="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {snapshot.credits
                .filter((c) => c.amount > 0n)
                .sort((a, b) => (b.amount > a.amount ? 1 : -1))
                .map((c) => {
                  const agent = snapshot.agents.find(
                    (a) =>
                      a.wallet?.toLowerCase() === c.account.toLowerCase() ||
                      a.owner.toLowerCase() === c.account.toLowerCase(),
                  );
                  return (
                    <tr key={`${c.account}-${c.token}`}>
                      <td class="mono">
                        {short(c.account, 6)}{" "}
                        {agent ? <a href={href(`agents/${agent.id}`)}>(#{agent.id.toString()})</a> : null}
                      </td>
                      <td class="num">
                        {amount(c.amount)} {tokenSymbol(c.token, stakeToken)}
                      </td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
}
