/**
 * OP-stack chains (Optimism, Base, Hardhat's `chainType: "op"`): every transaction also pays an L1
 * data fee for the bytes the sequencer posts to L1, priced by the GasPriceOracle predeploy.
 */
import { type Hex, parseAbi, serializeTransaction, type TransactionSerializableEIP1559 } from "viem";
import type { Context } from "../client/context.js";

type Client = Context["publicClient"];

/** The GasPriceOracle predeploy (the same address on every OP-stack chain). */
export const GAS_PRICE_ORACLE = "0x420000000000000000000000000000000000000F";

const GAS_PRICE_ORACLE_ABI = parseAbi(["function getL1Fee(bytes _data) view returns (uint256)"]);

/** Whether a chain is an OP stack, per client (asked once: a chain does not change kind). */
const known = new WeakMap<object, Promise<boolean>>();

/** Whether the chain is an OP stack: its GasPriceOracle predeploy has code. */
export function isOpStack(client: Client): Promise<boolean> {
  let answer = known.get(client);
  if (!answer) {
    answer = client.getCode({ address: GAS_PRICE_ORACLE }).then((code) => code !== undefined && code !== "0x");
    known.set(client, answer);
    answer.catch(() => known.delete(client));
  }
  return answer;
}

/**
 * The L1 data fee, in wei, the chain would charge for `tx` now: GasPriceOracle's `getL1Fee` of the
 * unsigned serialized transaction (the oracle allows for the signature itself).
 */
export async function l1FeeOf(client: Client, tx: TransactionSerializableEIP1559): Promise<bigint> {
  const unsigned: Hex = serializeTransaction({ ...tx, type: "eip1559" });
  return client.readContract({
    address: GAS_PRICE_ORACLE,
    abi: GAS_PRICE_ORACLE_ABI,
    functionName: "getL1Fee",
    args: [unsigned],
  });
}
