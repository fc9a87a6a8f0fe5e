/**
 * The swarm's decisions that need no chain: `npm start`'s options (one chain or two, a chain cut
 * off), the order a worker tries its chains in, and the side-by-side summary of a two-chain run.
 */
import { expect } from "chai";
import { claimOrder } from "../../scripts/swarm/agent/worker.ts";
import { parseOptions, type SwarmOptions, UsageError } from "../../scripts/swarm/plan.ts";
import { emptyStats } from "../../scripts/swarm/protocol.ts";
import { feeText, formatReports, type RunReport } from "../../scripts/swarm/summary.ts";

const parse = (...argv: string[]) => parseOptions(argv, {}) as SwarmOptions;
const refused = (argv: string[]) => {
  try {
    parseOptions(argv, {});
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`${argv.join(" ")} was accepted`);
};

describe("npm start's options", () => {
  it("runs one chain, l1, by default, and l1 with the op chain with --chains 2 (300 s of timeout per chain)", () => {
    expect([parse().chains, parse().timeoutS, parse().cut]).to.deep.equal([["l1"], 300, undefined]);
    expect([parse("--chains", "1").chains, parse("--chains", "2").chains]).to.deep.equal([["l1"], ["l1", "op"]]);
    expect(parse("--chains", "2").timeoutS).to.equal(600);
    expect(parse("--chains", "2", "--timeout", "90").timeoutS).to.equal(90);
  });

  it("refuses any other number of chains, saying which are allowed", () => {
    for (const n of ["0", "3", "two", ""]) {
      expect(refused(["--chains", n])).to.equal(
        `--chains must be 1 or 2 (the local l1 chain, or l1 and an OP-stack op chain), got "${n}"`,
      );
    }
  });

  it("--cut-chain C@S[+D]: a chain of the run, when and for how long (20 s unless given)", () => {
    expect(parse("--chains", "2", "--cut-chain", "op@30").cut).to.deep.equal({ chain: "op", atS: 30, forS: 20 });
    expect(parse("--chains", "2", "--cut-chain", "l1@0+5").cut).to.deep.equal({ chain: "l1", atS: 0, forS: 5 });
    expect(refused(["--cut-chain", "op@30"])).to.equal(
      "--cut-chain cuts one of several chains off while the others work: add --chains 2",
    );
    expect(refused(["--chains", "2", "--cut-chain", "base@30"])).to.equal(
      `--cut-chain: this run's chains are l1 and op, not "base"`,
    );
    expect(refused(["--chains", "2", "--cut-chain", "op"])).to.match(
      /^--cut-chain must be CHAIN@SECONDS or CHAIN@SECONDS\+DURATION/,
    );
    expect(refused(["--chains", "2", "--cut-chain", "op@30+0"])).to.equal(
      "--cut-chain's duration must be between 1 and 600, got 0",
    );
  });
});

describe("a worker's choice of chain", () => {
  const lane = (leading = false, stopped = false) => ({ leading, stopped });

  it("with one chain: that chain, unless it leads there", () => {
    const only = lane();
    expect(claimOrder([only], new Map(), 0)).to.deep.equal([only]);
    expect(claimOrder([lane(true)], new Map(), 0)).to.deep.equal([]);
  });

  it("tries the chain with the most open tasks it can do first, never one it leads, and takes turns on a tie", () => {
    const [l1, op] = [lane(), lane()];
    expect(
      claimOrder(
        [l1, op],
        new Map([
          [l1, 1],
          [op, 4],
        ]),
        0,
      ),
    ).to.deep.equal([op, l1]);
    expect(
      claimOrder(
        [l1, op],
        new Map([
          [l1, 2],
          [op, 2],
        ]),
        0,
      ),
    ).to.deep.equal([l1, op]);
    expect(
      claimOrder(
        [l1, op],
        new Map([
          [l1, 2],
          [op, 2],
        ]),
        1,
      ),
    ).to.deep.equal([op, l1]);
    const leading = lane(true);
    expect(
      claimOrder(
        [leading, op],
        new Map([
          [leading, 9],
          [op, 0],
        ]),
        0,
      ),
    ).to.deep.equal([op]);
    expect(claimOrder([lane(false, true), op], new Map(), 0)).to.deep.equal([op]);
  });
});

describe("the two-chain summary", () => {
  const report = (name: "l1" | "op", id: number, l1Fee: string | null): RunReport => ({
    chain: { name, id, type: name },
    agents: 1,
    tasksPlanned: 4,
    seconds: 60,
    blocks: 70,
    tasks: { total: 5, posted: 4, rounds: 1, byStatus: { accepted: 5 }, unfinished: [], chainUnfinished: [] },
    events: { rejected: 0, handedOff: 1, escalated: 1, answered: 1, reclaimed: 0, locks: 1 },
    doubleWork: { tasks: [], chainDuplicates: [] },
    revertedClaims: 0,
    lostRaces: 2,
    terms: [{ term: "1", agentId: "1", name: "ada", failedOver: false }],
    killed: null,
    slashes: [],
    messages: { channel: 3, direct: 1 },
    writes: [{ agentId: "1", name: "ada", capabilities: ["research", "code"], state: "finished", ...emptyStats() }],
    approverWrites: 2,
    escrow: { balance: "0", escrowed: "0", credits: "0", expected: "0" },
    schedules: [],
    consistency: [],
    fees: {
      transactions: 120,
      gasUsed: "9000000",
      executionFee: "9000000000000000",
      l1Fee,
      l1GasUsed: l1Fee === null ? null : "25000",
    },
    claims: 6,
  });

  it("sets the chains side by side, naming each, with the OP chain's L1 data fee beside its L2 execution fee", () => {
    const text = formatReports([report("l1", 31337, null), report("op", 31338, "1000000000000000")], 95);
    expect(text).to.match(/l1 \(chain 31337, L1\) +│ op \(chain 31338, OP stack\)/);
    expect(text).to.match(/tasks claimed +6 claims · 0 reverted · 2 races lost +│ 6 claims/);
    expect(text).to.match(
      /fees +0\.009000 ETH execution +│ 0\.009000 ETH L2 execution \+ 0\.001000 ETH L1 data \(10% of 0\.010000 ETH\)/,
    );
    expect(text).to.include("L1 data gas");
    expect(text).to.match(/run +95 s/);
  });

  it("prices an L1's transactions by execution alone", () => {
    expect(feeText(report("l1", 31337, null).fees!)).to.equal("0.009000 ETH execution");
  });
});
