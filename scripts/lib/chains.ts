/**
 * The local chains a checkout runs: an `l1` chain (Hardhat's default node, chain 31337) and an `op`
 * chain (Hardhat's OP-stack simulation, `chainType: "op"`, chain 31338), and what the `op` chain
 * simulates of its L1: the GasPriceOracle and L1Block predeploys and the L1 data fee. No imports
 * beyond viem: hardhat.config.ts reads the chain ids from here.
 */
import { type Address, type Hex, pad, parseAbi, toHex } from "viem";

/** The chain types a local node runs as. `l1` is Hardhat's default node (chain type `generic`: L1 rules). */
export type LocalChainType = "l1" | "op";

/**
 * Chain ids of the local chains: 31337 is Hardhat's; the OP chain takes the next one (two chains
 * indexed side by side need different ids, and 1337 is taken by other local tools).
 */
export const LOCAL_CHAIN_IDS: Readonly<Record<LocalChainType, number>> = { l1: 31337, op: 31338 };

/** OP-stack predeploys (the same address on every OP-stack chain). */
export const OP_PREDEPLOYS = {
  /** Prices a transaction's L1 data: `getL1Fee(unsignedTx)`, `l1BaseFee()`, the scalars. */
  GasPriceOracle: "0x420000000000000000000000000000000000000F",
  /** The L1 attributes the sequencer writes each L1 block: base fee, blob base fee, fee scalars. */
  L1Block: "0x4200000000000000000000000000000000000015",
} as const satisfies Record<string, Address>;

export const GAS_PRICE_ORACLE_ABI = parseAbi([
  "function l1BaseFee() view returns (uint256)",
  "function blobBaseFee() view returns (uint256)",
  "function baseFeeScalar() view returns (uint32)",
  "function blobBaseFeeScalar() view returns (uint32)",
  "function isIsthmus() view returns (bool)",
  "function getL1Fee(bytes _data) view returns (uint256)",
  "function getL1GasUsed(bytes _data) view returns (uint256)",
]);

/**
 * The L1 fee scalars (6 decimals) an OP chain applies to the L1 base fee and the L1 blob base fee:
 * OP Mainnet's since Fjord, the values Hardhat's OP genesis means to set. EDR 0.22 (Hardhat 3.18)
 * writes them into L1Block's slot 3 at the wrong offsets (bits 192 and 128, where Solidity packs
 * `baseFeeScalar` at bit 96 and `blobBaseFeeScalar` at bit 64), so both read 0 and every receipt's
 * `l1Fee` is 0 until {@link setL1FeeScalars} puts them where L1Block and the fee code read them.
 */
export const OP_L1_FEE_SCALARS = { baseFeeScalar: 5_227n, blobBaseFeeScalar: 1_014_213n } as const;

/** L1Block's slot 3: `| 64 free | 32 baseFeeScalar | 32 blobBaseFeeScalar | 64 sequenceNumber |` (low bits right). */
const L1_BLOCK_SCALARS_SLOT = toHex(3, { size: 32 });

type Requester = { request(args: { method: string; params?: unknown[] }): Promise<unknown> };

/**
 * Writes the L1 fee scalars into a simulated OP chain's L1Block (hardhat_setStorageAt), keeping the
 * L1 prices it simulates (base fee and blob base fee 10 gwei): from the next transaction on, receipts
 * carry a non-zero `l1Fee` and GasPriceOracle prices with the same scalars.
 */
export async function setL1FeeScalars(provider: Requester, scalars = OP_L1_FEE_SCALARS): Promise<void> {
  const slot = (BigInt(scalars.baseFeeScalar) << 96n) | (BigInt(scalars.blobBaseFeeScalar) << 64n);
  await provider.request({
    method: "hardhat_setStorageAt",
    params: [OP_PREDEPLOYS.L1Block, L1_BLOCK_SCALARS_SLOT, pad(toHex(slot), { size: 32 }) satisfies Hex],
  });
}
