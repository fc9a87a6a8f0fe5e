/**
 * The gas bench on an OP-stack chain (Hardhat's `chainType: "op"`, network `op`): the same
 * measurements as on the l1 chain, whose receipts add the L1 data fee (`l1GasUsed`, `l1Fee`). The
 * L2 gas must equal the l1 chain's (same EVM rules for these contracts); the L1 data fee is the
 * part an OP-stack chain adds, priced at the L1 prices its L1Block simulates.
 */
import type { PublicClient } from "viem";
import { GAS_PRICE_ORACLE_ABI, LOCAL_CHAIN_IDS, OP_PREDEPLOYS } from "../scripts/lib/chains.ts";
import type { GasRow, GasSection, Measured } from "./gas.ts";

/** What the simulated OP chain charges with: its L2 base fee, and the L1 prices and scalars of its L1 data fee. */
export type OpPrices = {
  chainId: number;
  /** The L2 base fee of the op chain's genesis (Hardhat's initial base fee), wei per gas. */
  l2GasPrice: bigint;
  l1BaseFee: bigint;
  blobBaseFee: bigint;
  baseFeeScalar: bigint;
  blobBaseFeeScalar: bigint;
};

type OracleReads = "l1BaseFee" | "blobBaseFee" | "baseFeeScalar" | "blobBaseFeeScalar";

/** Reads the op chain's prices from its genesis block and its GasPriceOracle. */
export async function readOpPrices(
  publicClient: Pick<PublicClient, "getBlock" | "readContract" | "getChainId">,
): Promise<OpPrices> {
  const oracle = <F extends OracleReads>(functionName: F) =>
    publicClient.readContract({ address: OP_PREDEPLOYS.GasPriceOracle, abi: GAS_PRICE_ORACLE_ABI, functionName });
  const genesis = await publicClient.getBlock({ blockNumber: 0n });
  return {
    chainId: await publicClient.getChainId(),
    l2GasPrice: genesis.baseFeePerGas ?? 0n,
    l1BaseFee: await oracle("l1BaseFee"),
    blobBaseFee: await oracle("blobBaseFee"),
    baseFeeScalar: BigInt(await oracle("baseFeeScalar")),
    blobBaseFeeScalar: BigInt(await oracle("blobBaseFeeScalar")),
  };
}

/** A row whose L2 execution gas on the op chain differs from the l1 chain's by more than its jitter. */
export type GasMismatch = { section: string; name: string; l1: bigint; op: bigint | undefined };

/** Gas less calldata: what the EVM spends executing (a signature binding the chain id changes only calldata). */
const execution = (row: Measured) => row.gas - (row.calldataGas ?? 0n);

/**
 * Puts each op row's L1 data beside the l1 row of the same name, and lists the rows whose L2 gas
 * less calldata is not the l1 chain's (beyond the row's jitter) or that the op run did not measure.
 */
export function withL1Data(l1: GasSection[], op: GasSection[]): { sections: GasSection[]; mismatches: GasMismatch[] } {
  const mismatches: GasMismatch[] = [];
  const sections = l1.map((section) => {
    const opRows = new Map(op.find((s) => s.title === section.title)?.rows.map((r) => [r.name, r]) ?? []);
    const rows = section.rows.map((row): GasRow => {
      const onOp = opRows.get(row.name);
      const delta = onOp === undefined ? undefined : execution(onOp) - execution(row);
      const diff = delta === undefined ? undefined : delta < 0n ? -delta : delta;
      if (diff === undefined || diff > (row.jitter ?? 0n)) {
        mismatches.push({ section: section.title, name: row.name, l1: row.gas, op: onOp?.gas });
      }
      return onOp?.l1 ? { ...row, l1: onOp.l1 } : row;
    });
    return { ...section, rows };
  });
  return { sections, mismatches };
}

const gwei = (wei: bigint) => (Number(wei) / 1e9).toLocaleString("en-US", { maximumFractionDigits: 1 });
const share = (part: bigint, whole: bigint) => `${((Number(part) / Number(whole)) * 100).toFixed(1)} %`;

/**
 * The cost of task lifecycles on each chain type: on the l1 chain, gas at the L1 base fee the op
 * chain simulates (the same L1); on the op chain, L2 gas at its L2 base fee plus the L1 data fee.
 */
export function lifecycleCostTable(lifecycles: { name: string; measured: Measured }[], prices: OpPrices): string {
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const lines = [
    "**Task lifecycle cost by chain type** (in gwei; l1: gas × the L1 base fee; " +
      "op: L2 gas × the L2 base fee + the L1 data fee)",
    "",
    row([
      "lifecycle",
      "chain",
      "gas",
      "L2 execution",
      "L1 data",
      "total",
      "L1 data share",
      "L2 gas price at which L1 data = L2 execution",
    ]),
    "|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const { name, measured } of lifecycles) {
    const gas = measured.gas.toLocaleString("en-US");
    const onL1 = measured.gas * prices.l1BaseFee;
    lines.push(row([name, `l1 (${LOCAL_CHAIN_IDS.l1})`, gas, gwei(onL1), "—", gwei(onL1), "0 %", ""]));
    if (!measured.l1) continue;
    const execution = measured.gas * prices.l2GasPrice;
    const totalCost = execution + measured.l1.fee;
    const breakEven = `${(Number(measured.l1.fee) / Number(measured.gas) / 1e9).toPrecision(2)} gwei`;
    const costs = [gwei(execution), gwei(measured.l1.fee), gwei(totalCost), share(measured.l1.fee, totalCost)];
    lines.push(row([name, `op (${prices.chainId})`, gas, ...costs, breakEven]));
  }
  const scalars = [prices.baseFeeScalar, prices.blobBaseFeeScalar].map((n) => n.toLocaleString("en-US"));
  lines.push(
    "",
    `_Prices: L1 base fee ${gwei(prices.l1BaseFee)} gwei and blob base fee ${gwei(prices.blobBaseFee)} gwei ` +
      `(the op chain's L1Block defaults), L1 fee scalars ${scalars.join(" and ")} (OP Mainnet's), ` +
      `L2 base fee ${gwei(prices.l2GasPrice)} gwei (Hardhat's initial base fee; production OP-stack L2 base fees ` +
      "are often far lower, which makes the L1 data share larger: see the last column)._",
  );
  return lines.join("\n");
}
