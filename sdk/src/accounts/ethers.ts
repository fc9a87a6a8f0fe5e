/**
 * Use an ethers v6 signer (a `Wallet`, or any signer that can sign transactions locally) as a viem
 * account, so an agent written with ethers keys can use the SDK unchanged. The SDK does not depend
 * on ethers: the signer is described by the methods it must have.
 */
import {
  type Address,
  getAddress,
  type Hex,
  hexToBytes,
  type LocalAccount,
  type TransactionSerializable,
  type TypedDataDefinition,
} from "viem";
import { toAccount } from "viem/accounts";

/** The part of an ethers v6 `Signer` the SDK uses. */
export type EthersSigner = {
  getAddress(): Promise<string>;
  signMessage(message: string | Uint8Array): Promise<string>;
  signTypedData(
    domain: Record<string, unknown>,
    types: Record<string, Array<{ name: string; type: string }>>,
    value: Record<string, unknown>,
  ): Promise<string>;
  signTransaction(tx: Record<string, unknown>): Promise<string>;
};

/** An ethers transaction request from a viem one (ethers takes bigints and numbers as they are). */
function toEthersTransaction(tx: TransactionSerializable): Record<string, unknown> {
  const type = tx.type === "legacy" ? 0 : tx.type === "eip2930" ? 1 : 2;
  return {
    type,
    chainId: tx.chainId,
    nonce: tx.nonce,
    to: tx.to ?? null,
    data: tx.data ?? "0x",
    value: tx.value ?? 0n,
    gasLimit: tx.gas,
    ...(type === 2
      ? { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas }
      : { gasPrice: tx.gasPrice }),
    ...(tx.accessList ? { accessList: tx.accessList } : {}),
  };
}

/** A viem account that signs with `signer`. */
export async function ethersSignerToAccount(signer: EthersSigner): Promise<LocalAccount> {
  const address: Address = getAddress(await signer.getAddress());
  return toAccount({
    address,
    signMessage: async ({ message }) =>
      (await signer.signMessage(
        typeof message === "string" ? message : typeof message.raw === "string" ? hexToBytes(message.raw) : message.raw,
      )) as Hex,
    signTransaction: async (tx) => (await signer.signTransaction(toEthersTransaction(tx))) as Hex,
    signTypedData: async (typedData) => {
      const { domain, types, message } = typedData as TypedDataDefinition & {
        domain?: Record<string, unknown>;
        message: Record<string, unknown>;
      };
      const { EIP712Domain: _, ...rest } = types as unknown as Record<string, Array<{ name: string; type: string }>>;
      return (await signer.signTypedData(domain ?? {}, rest, message)) as Hex;
    },
  });
}
