/** Shared shape of gas measurements: what `npm run bench` prints and the snapshot test guards. */

/**
 * What an OP-stack chain charges for posting a transaction's data to L1, from its receipt:
 * `l1GasUsed` (the compressed size priced as L1 calldata gas) and `l1Fee` in wei.
 */
export type L1Data = { gasUsed: bigint; fee: bigint };

/**
 * A measured transaction, or a sum of them: its gas, the part of it its calldata costs (4 per zero
 * byte, 16 per other byte: what differs between chains when a signature in it binds the chain id),
 * and on an OP-stack chain its L1 data fee.
 */
export type Measured = { gas: bigint; calldataGas?: bigint; l1?: L1Data };

export type GasRow = Measured & {
  /** Readable, stable key: the row name in gas-snapshot.json and the README table. */
  name: string;
  /** DESIGN §5 target, when there is one. */
  target?: bigint;
  /** Free text shown in the table (what the target compares against, say). */
  note?: string;
  /**
   * Why the target is not met yet, when that is known and accepted (see the README): the snapshot
   * test then checks that the row still misses it (so the reason is dropped once it is met).
   */
  openTarget?: string;
  /**
   * How much the figure may vary between runs without any code change (a random draw whose path
   * shares more or fewer already-warm storage slots). The snapshot check allows this much above.
   */
  jitter?: bigint;
};

export type GasSection = { title: string; rows: GasRow[] };

type Receipt = { gasUsed: bigint; status: string; l1GasUsed?: unknown; l1Fee?: unknown };
type Hash = `0x${string}`;

/** The intrinsic gas of calldata: 4 per zero byte, 16 per other byte. */
export function calldataGasOf(input: Hash): bigint {
  let gas = 0n;
  for (let i = 2; i < input.length; i += 2) gas += input.slice(i, i + 2) === "00" ? 4n : 16n;
  return gas;
}

/** Gas used by a mined transaction and its calldata's share, with its L1 data fee on an OP-stack chain. */
export async function gasOf(
  publicClient: {
    waitForTransactionReceipt(args: { hash: Hash }): Promise<Receipt>;
    getTransaction(args: { hash: Hash }): Promise<{ input: Hash }>;
  },
  hash: Promise<Hash> | Hash,
): Promise<Measured> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`measured transaction ${await hash} reverted`);
  const calldataGas = calldataGasOf((await publicClient.getTransaction({ hash: await hash })).input);
  // Hardhat's chain for an in-process OP network leaves these two as hex strings; viem's OP chains parse them.
  if (receipt.l1Fee == null || receipt.l1GasUsed == null) return { gas: receipt.gasUsed, calldataGas };
  const l1 = { gasUsed: BigInt(receipt.l1GasUsed as string), fee: BigInt(receipt.l1Fee as string) };
  return { gas: receipt.gasUsed, calldataGas, l1 };
}

/** The sum of measured transactions (a lifecycle): gas, calldata gas, and the L1 data fee when each part has one. */
export function total(...parts: Measured[]): Measured {
  const gas = parts.reduce((sum, p) => sum + p.gas, 0n);
  const calldataGas = parts.reduce((sum, p) => sum + (p.calldataGas ?? 0n), 0n);
  if (!parts.every((p) => p.l1)) return { gas, calldataGas };
  const l1 = { gasUsed: 0n, fee: 0n };
  for (const p of parts) {
    l1.gasUsed += p.l1!.gasUsed;
    l1.fee += p.l1!.fee;
  }
  return { gas, calldataGas, l1 };
}
