/** Shared shape of gas measurements: what `npm run bench` prints and the snapshot test guards. */

export type GasRow = {
  /** Readable, stable key: the row name in gas-snapshot.json and the README table. */
  name: string;
  gas: bigint;
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

/** Gas used by a mined transaction. */
export async function gasOf(
  publicClient: { waitForTransactionReceipt(args: { hash: `0x${string}` }): Promise<{ gasUsed: bigint; status: string }> },
  hash: Promise<`0x${string}`> | `0x${string}`,
): Promise<bigint> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`measured transaction ${await hash} reverted`);
  return receipt.gasUsed;
}
