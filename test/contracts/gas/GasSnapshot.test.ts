import { expect } from "chai";
import hre, { network } from "hardhat";
import { ELECT_RATIO_TARGET, measureCoordinationGas } from "../../../bench/coordination.ts";
import type { GasSection } from "../../../bench/gas.ts";
import { withL1Data } from "../../../bench/op.ts";
import { readSnapshot } from "../../../bench/report.ts";
import { measureTaskGas } from "../../../bench/tasks.ts";
import { measureTrustLayerGas } from "../../../bench/trust-layer.ts";
import { setL1FeeScalars } from "../../../scripts/lib/chains.ts";

/**
 * Gas is guarded like code: every measured call must cost at most its committed snapshot
 * (gas-snapshot.json, written by `npm run bench`) and meet its DESIGN target. Lowering a number is
 * welcome; raising one means re-running the bench in the same commit, on purpose.
 */
const { viem, networkHelpers } = await network.create();

function checkSection(section: GasSection) {
  const snapshot = readSnapshot()[section.title];
  expect(snapshot, `gas-snapshot.json has no "${section.title}" section: run npm run bench`).to.not.equal(undefined);
  for (const row of section.rows) {
    const committed = snapshot![row.name];
    expect(committed, `gas-snapshot.json has no "${row.name}": run npm run bench`).to.be.a("number");
    const allowed = committed! + Number(row.jitter ?? 0n);
    expect(
      Number(row.gas),
      `${row.name}: costs ${row.gas}, snapshot says ${committed} (+${row.jitter ?? 0n} jitter)`,
    ).to.be.at.most(allowed);
    if (row.target !== undefined && row.openTarget === undefined) {
      expect(row.gas <= row.target, `${row.name}: costs ${row.gas}, DESIGN target is ${row.target}`).to.equal(true);
    } else if (row.target !== undefined) {
      // A target recorded as open must still be open: once met, drop its reason.
      expect(row.gas > row.target, `${row.name}: now meets its target ${row.target}; remove openTarget`).to.equal(true);
    }
  }
}

describe("gas snapshot", () => {
  before(function () {
    // Coverage instrumentation changes every gas figure; the snapshot is for the real bytecode.
    if (hre.globalOptions.coverage) this.skip();
  });

  it("ERC-8004 trust layer costs no more than gas-snapshot.json and meets its targets", async () => {
    checkSection(await measureTrustLayerGas(viem, networkHelpers));
  });

  it(
    "staking and consensus (groups of 100, 1,000 and 10,000) " +
      "cost no more than the snapshot and meet their targets",
    async () => {
      const section = await measureCoordinationGas(viem, networkHelpers);
      checkSection(section);
      const gasOf = (name: string) => Number(section.rows.find((r) => r.name === name)!.gas);
      const ratio = gasOf("elect, settle (the draw), 10,000 members") / gasOf("elect, settle (the draw), 100 members");
      expect(ratio, `elect at 10,000 is ${ratio.toFixed(2)} × elect at 100`).to.be.at.most(ELECT_RATIO_TARGET);
    },
  );

  it("work coordination (TaskBoard, MessageBus) costs no more than the snapshot and meets its targets", async () => {
    checkSection(await measureTaskGas(viem, networkHelpers));
  });

  it(
    "on the OP-stack chain every trust-layer and work-coordination call spends the l1 chain's gas, " +
      "and pays an L1 data fee",
    async () => {
      // Calldata aside (setAgentWallet's signature binds the chain id): the coordination section's
      // groups of 10,000 are compared by `npm run bench`, which fails on any difference.
      const l1 = await network.create(); // fresh: the measurements pin chain times
      const onL1 = [
        await measureTrustLayerGas(l1.viem, l1.networkHelpers),
        await measureTaskGas(l1.viem, l1.networkHelpers),
      ];
      const op = await network.create("op");
      await setL1FeeScalars(op.provider);
      const onOp = [
        await measureTrustLayerGas(op.viem, op.networkHelpers),
        await measureTaskGas(op.viem, op.networkHelpers),
      ];
      const { sections, mismatches } = withL1Data(onL1, onOp);
      expect(mismatches).to.deep.equal([]);
      for (const row of sections.flatMap((s) => s.rows))
        expect((row.l1?.fee ?? 0n) > 0n, `${row.name} has an L1 data fee`).to.equal(true);
    },
  );
});
