import type { Account } from "viem";
import { actingAgent, addressOf, type Context, requireWallet, type Written, write } from "../../client/context.js";
import { InvalidInputError } from "../../errors/input.js";
import type { WriteErrorType } from "../../errors/types.js";
import { AGENT_WALLET_MAX_DEADLINE_DELAY, agentWalletTypedData } from "../../identity/agentWallet.js";
import { chainNow } from "../../utils/watch.js";

export type SetAgentWalletParameters = {
  /** The wallet to bind: an account that can sign typed data (it proves it controls itself). */
  wallet: Account;
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
  /** Seconds the signature stays valid (default 120, at most AGENT_WALLET_MAX_DEADLINE_DELAY). */
  deadlineSeconds?: bigint | undefined;
};

export type SetAgentWalletReturnType = Written;

export type SetAgentWalletErrorType = WriteErrorType<"IdentityRegistry">;

/**
 * Binds `wallet` as the agent's verified wallet (ERC-8004). `wallet` signs the EIP-712
 * `AgentWalletSet` message; the agent's owner (this client) sends the transaction.
 *
 * @example
 * await setAgentWallet(agent, { wallet: privateKeyToAccount(walletKey) });
 */
export async function setAgentWallet(
  ctx: Context,
  params: SetAgentWalletParameters,
): Promise<SetAgentWalletReturnType> {
  const { wallet } = params;
  const agentId = actingAgent(ctx, params.agentId);
  if (!wallet.signTypedData)
    throw new InvalidInputError("wallet", "must be an account that can sign typed data (a local account)");
  const delay = params.deadlineSeconds ?? 120n;
  if (delay <= 0n || delay > AGENT_WALLET_MAX_DEADLINE_DELAY) {
    throw new InvalidInputError("deadlineSeconds", `must be between 1 and ${AGENT_WALLET_MAX_DEADLINE_DELAY}`, delay);
  }
  const deadline = (await chainNow(ctx)) + delay;
  const owner = requireWallet(ctx).account.address;
  const registry = addressOf(ctx, "IdentityRegistry");
  const typed = agentWalletTypedData({
    chainId: ctx.deployment.chainId,
    registry,
    agentId,
    newWallet: wallet.address,
    owner,
    deadline,
  });
  const signature = await wallet.signTypedData(typed);
  return write(ctx, "IdentityRegistry", "setAgentWallet", [agentId, wallet.address, deadline, signature]);
}
