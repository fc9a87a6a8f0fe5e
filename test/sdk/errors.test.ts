/**
 * Typed contract errors: every custom error in the deployable contracts' ABIs decodes, from each
 * shape a revert reaches the SDK in, to its generated class with its arguments and a readable
 * message. Pure: no node needed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import {
  type Abi,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  getAddress,
  type Hex,
  HttpRequestError,
  keccak256,
  pad,
  parseEther,
  toHex,
  zeroAddress,
} from "viem";
import { StigmergyError } from "../../sdk/src/errors/base.ts";
import { isConnectionError } from "../../sdk/src/errors/connection.ts";
import { ContractRevertError, decodeContractError, toStigmergyError } from "../../sdk/src/errors/contract.ts";
import { contractErrorMessage, contractErrorMessages } from "../../sdk/src/errors/messages.ts";
import { describeError } from "../../sdk/src/errors/report.ts";
import { walkCauses } from "../../sdk/src/errors/walk.ts";
import {
  contractErrorClasses,
  contractErrorsAbi,
  InsufficientStakeError,
  LeaderAliveError,
  LockHeldError,
  NotAuthorizedForAgentError,
  StakeManagerNothingToWithdrawError,
  StakeTooLowError,
  StaleFencingTokenError,
  TaskBoardNothingToWithdrawError,
  TaskNotOpenError,
  WrongPaymentError,
} from "../../sdk/src/generated/errors.ts";

type ErrorItem = { type: "error"; name: string; inputs: readonly { name: string; type: string }[] };
const errorItems: readonly ErrorItem[] = contractErrorsAbi;
const errorsAbi: Abi = contractErrorsAbi;
const classes = Object.values(contractErrorClasses);

/** A distinct, valid value of an ABI type at position `i`, as viem decodes it. */
function sample(type: string, i: number): unknown {
  const int = /^(u?)int(\d*)$/.exec(type);
  if (int) {
    const value = BigInt(i + 2) * (int[1] ? 1n : -1n);
    return Number(int[2] || 256) <= 48 ? Number(value) : value; // viem: up to 48 bits decode to a number
  }
  if (type === "address") return getAddress(pad(toHex(i + 0xa1), { size: 20 }));
  if (type === "bool") return true;
  if (type === "string") return `reason ${i}`;
  const bytes = /^bytes(\d+)$/.exec(type);
  if (bytes) return pad(toHex(i + 1), { size: Number(bytes[1]) });
  if (type === "bytes") return toHex(`payload ${i}`);
  throw new Error(`no sample for ${type}`);
}

/** The four shapes a revert reaches the SDK in. */
function deliveries(data: Hex): [string, unknown][] {
  const viem = (abi: Abi) =>
    new ContractFunctionExecutionError(new ContractFunctionRevertedError({ abi, data, functionName: "act" }), {
      abi,
      functionName: "act",
      contractAddress: zeroAddress,
    });
  return [
    ["viem, error in the caller's ABI", viem(errorsAbi)],
    ["viem, error not in the caller's ABI", viem([])],
    ["JSON-RPC error with data", Object.assign(new Error("execution reverted"), { code: 3, data })],
    [
      "JSON-RPC error with nested data",
      new Error("send failed", { cause: { code: -32603, data: { message: "execution reverted", data } } }),
    ],
  ];
}

const revertWith = (errorName: string, args: readonly unknown[], functionName = "act") => {
  const data = encodeErrorResult({ abi: errorsAbi, errorName, args });
  return new ContractFunctionExecutionError(new ContractFunctionRevertedError({ abi: errorsAbi, data, functionName }), {
    abi: errorsAbi,
    functionName,
  });
};

/** Every `error Name(` declared in the given Solidity sources. */
function declaredErrors(dir: string, skip: (path: string) => boolean = () => false): Set<string> {
  const names = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (!entry.endsWith(".sol") || skip(entry)) continue;
    for (const m of readFileSync(join(dir, entry), "utf8").matchAll(/\berror\s+(\w+)\s*\(/g)) names.add(m[1]!);
  }
  return names;
}

const NOON = 1_717_243_200n; // 2024-06-01T12:00:00Z
const KEY = keccak256(toHex("build-cache"));
const CALLER = getAddress("0x00000000000000000000000000000000000000c4");
const StakeManagerNothingToWithdrawAbi = contractErrorsAbi.find(
  (e) => e.name === "NothingToWithdraw" && e.inputs.length === 1,
)!;
const TaskBoardNothingToWithdrawAbi = contractErrorsAbi.find(
  (e) => e.name === "NothingToWithdraw" && e.inputs.length === 2,
)!;

describe("sdk: typed contract errors", () => {
  describe("every custom error decodes to its class", () => {
    it("covers ~100 distinct errors, one class each, deduplicated by selector", () => {
      expect(errorItems.length).to.be.greaterThan(90);
      expect(new Set(classes.map((c) => c.selector)).size).to.equal(errorItems.length);
      expect(classes.length).to.equal(errorItems.length);
    });

    for (const item of errorItems) {
      const signature = `${item.name}(${item.inputs.map((p) => p.type).join(",")})`;
      it(signature, () => {
        const args = item.inputs.map((p, i) => sample(p.type, i));
        const named = Object.fromEntries(item.inputs.map((p, i) => [p.name, args[i]]));
        const data = encodeErrorResult({ abi: [item], errorName: item.name, args });
        const Class = classes.find((c) => c.selector === data.slice(0, 10));
        expect(Class, "a class with this selector").to.not.equal(undefined);
        expect(Class!.errorName).to.equal(item.name);
        const code = item.name
          .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
          .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
          .toUpperCase();

        for (const [shape, error] of deliveries(data)) {
          const decoded = decodeContractError(error, { contractName: "Sample" });
          expect(decoded, shape).to.be.instanceOf(Class!);
          expect(decoded, shape).to.be.instanceOf(ContractRevertError).and.instanceOf(StigmergyError);
          expect(decoded!.errorName, shape).to.equal(item.name);
          expect(decoded!.code, shape).to.equal(code);
          expect(decoded!.args, shape).to.deep.equal(named);
          expect(decoded!.cause, shape).to.equal(error);
          expect(decoded!.contractName, shape).to.equal("Sample");
          expect(decoded!.message, shape).to.not.match(/undefined|NaN|\[object/);
          expect(decoded!.metaMessages?.[0], shape).to.match(new RegExp(`^Error: ${item.name}\\(`));
        }
      });
    }
  });

  describe("codes", () => {
    it("are the error name in SCREAMING_SNAKE_CASE", () => {
      expect(new TaskNotOpenError({ taskId: 1n, status: 2, claimant: 1n, attempt: 1 }).code).to.equal("TASK_NOT_OPEN");
      expect(contractErrorClasses.ERC20InsufficientBalance.name).to.equal("ERC20InsufficientBalanceError");
      const decoded = decodeContractError(revertWith("ERC20InsufficientBalance", [zeroAddress, 1n, 2n]));
      expect(decoded?.code).to.equal("ERC20_INSUFFICIENT_BALANCE");
      expect(decodeContractError(revertWith("EmptyResponseURI", []))?.code).to.equal("EMPTY_RESPONSE_URI");
    });

    it("tell apart two errors that share a name but not their arguments", () => {
      // bare revert data
      const fromStake = decodeContractError(encodeErrorResult({ abi: [StakeManagerNothingToWithdrawAbi], args: [5n] }));
      const fromBoard = decodeContractError({
        data: encodeErrorResult({ abi: [TaskBoardNothingToWithdrawAbi], args: [CALLER, zeroAddress] }),
      });
      expect(fromStake).to.be.instanceOf(StakeManagerNothingToWithdrawError);
      expect(fromBoard).to.be.instanceOf(TaskBoardNothingToWithdrawError);
      expect(fromStake?.code).to.equal("NOTHING_TO_WITHDRAW");
      expect(fromStake?.shortMessage).to.equal("agent 5 has no unbonding stake to withdraw; request an unstake first");
      expect(fromBoard?.shortMessage).to.equal(`${CALLER} has no credit in ETH to withdraw from the TaskBoard`);
    });
  });

  describe("messages", () => {
    it("TaskNotOpen says who holds the task, by status", () => {
      const error = decodeContractError(revertWith("TaskNotOpen", [12n, 2, 4n, 2], "claim"), {
        contractName: "TaskBoard",
      });
      expect(error).to.be.instanceOf(TaskNotOpenError);
      expect(error!.shortMessage).to.equal("task 12 was already claimed by agent 4 (attempt 2)");
      expect(error!.functionName).to.equal("claim"); // read from viem's error
      expect(error!.metaMessages).to.deep.equal([
        "Error: TaskNotOpen(taskId=12, status=2, claimant=4, attempt=2)",
        "Contract: TaskBoard",
        "Function: claim",
      ]);
      const status = (s: number) =>
        new TaskNotOpenError({ taskId: 12n, status: s, claimant: 4n, attempt: 2 }).shortMessage;
      expect(status(3)).to.equal(
        "task 12 is no longer open: agent 4 (attempt 2) already submitted its result, which awaits review",
      );
      expect(status(4)).to.contain("waiting for an answer to an escalation");
      expect(status(5)).to.equal("task 12 is closed: the result of agent 4 (attempt 2) was accepted");
      expect(status(6)).to.equal("task 12 was cancelled by its poster");
      expect(status(7)).to.equal("task 12 expired: its deadline passed before anyone claimed it");
    });

    it("LeaderAlive says until when, in UTC", () => {
      expect(new LeaderAliveError({ groupId: 3n, leader: 7n, deadline: NOON }).shortMessage).to.equal(
        "the leader of group 3 (agent 7) is alive until 2024-06-01T12:00:00Z; failover is possible after that",
      );
    });

    it("StakeTooLow formats 18-decimal amounts", () => {
      const error = new StakeTooLowError({
        taskId: 9n,
        agentId: 5n,
        stake: parseEther("1.5"),
        minStake: parseEther("10"),
      });
      expect(error.shortMessage).to.equal("agent 5 has 1.5 tokens staked but task 9 needs 10 tokens");
    });

    it("LockHeld names the holder, its token and the expiry", () => {
      const error = new LockHeldError({ key: KEY, holder: 7n, fencingToken: 3n, expiresAt: NOON });
      expect(error.shortMessage).to.equal(
        `lock ${KEY} is held by agent 7 (fencing token 3) until 2024-06-01T12:00:00Z`,
      );
    });

    it("StaleFencingToken gives both tokens", () => {
      const error = new StaleFencingTokenError({ key: KEY, fencingToken: 2n, currentToken: 3n });
      expect(error.shortMessage).to.equal(
        `fencing token 2 of lock ${KEY} is stale: the current token is 3, so this holding already ended`,
      );
    });

    it("NotAuthorizedForAgent names the caller and the agent", () => {
      expect(new NotAuthorizedForAgentError({ caller: CALLER, agentId: 5n }).shortMessage).to.equal(
        `${CALLER} may not act for agent 5: it is not the agent's owner, an approved operator or its agent wallet`,
      );
    });

    it("InsufficientStake compares stake and request", () => {
      const error = new InsufficientStakeError({ agentId: 5n, stake: parseEther("1"), requested: parseEther("2.25") });
      expect(error.shortMessage).to.equal("agent 5 has 1 tokens of active stake and cannot unstake 2.25 tokens");
    });

    it("WrongPayment says what to send, in ETH", () => {
      expect(new WrongPaymentError({ expected: parseEther("0.5"), received: parseEther("0.2") }).shortMessage).to.equal(
        "this call must send exactly 0.5 ETH, but 0.2 ETH was sent",
      );
      expect(new WrongPaymentError({ expected: 0n, received: parseEther("0.1") }).shortMessage).to.match(
        /^this call must not send ETH .*, but 0\.1 ETH was sent$/,
      );
    });

    it("timestamps out of Date's range are shown as unix time", () => {
      const error = new LeaderAliveError({ groupId: 1n, leader: 2n, deadline: 2n ** 64n - 1n });
      expect(error.shortMessage).to.contain(`unix time ${2n ** 64n - 1n}`);
    });

    it("every Stigmergy contract error has a hand-written message; only OpenZeppelin's may fall back", () => {
      const contractsDir = join(import.meta.dirname, "..", "..", "contracts");
      const interfaceErrors = declaredErrors(join(contractsDir, "interfaces"));
      const ownErrors = declaredErrors(contractsDir, (path) => path.startsWith("mocks"));
      const inAbi = new Set(errorItems.map((e) => e.name));
      expect(interfaceErrors.size).to.be.greaterThan(80);
      for (const name of interfaceErrors) expect(inAbi.has(name), `${name} is in a deployable ABI`).to.equal(true);
      const handWritten = new Set(Object.keys(contractErrorMessages));
      for (const name of ownErrors) {
        if (inAbi.has(name)) expect(handWritten.has(name), `message for ${name}`).to.equal(true);
      }
      const fallback = [...inAbi].filter((name) => !handWritten.has(name));
      for (const name of fallback) expect(ownErrors.has(name), `${name} falls back`).to.equal(false);
    });

    it("falls back to Name: arg=value, … for an error without a message", () => {
      expect(contractErrorMessage("SomethingInternal", { bits: 64, value: 2n ** 70n, label: "x" })).to.equal(
        `SomethingInternal: bits=64, value=${2n ** 70n}, label="x"`,
      );
      expect(contractErrorMessage("Bare", {})).to.equal("Bare");
    });
  });

  describe("invalid input", () => {
    it("every action that answers with a promise is async: bad input rejects it, never throws past a .catch", () => {
      const actionsDir = join(import.meta.dirname, "..", "..", "sdk", "src", "actions");
      const offenders: string[] = [];
      for (const dir of readdirSync(actionsDir)) {
        for (const file of readdirSync(join(actionsDir, dir))) {
          const source = readFileSync(join(actionsDir, dir, file), "utf8");
          for (const m of source.matchAll(/^export function (\w+)\(.*\): Promise</gm))
            offenders.push(`${dir}/${file}: ${m[1]}`);
        }
      }
      expect(offenders, "actions returning a promise without being async").to.deep.equal([]);
    });
  });

  describe("anything else", () => {
    it("decodes to undefined: require messages, panics, unknown selectors, network errors", () => {
      const reason = encodeErrorResult({
        abi: [{ type: "error", name: "Error", inputs: [{ name: "message", type: "string" }] }],
        args: ["nope"],
      });
      for (const error of [
        new ContractFunctionExecutionError(
          new ContractFunctionRevertedError({ abi: [], data: reason, functionName: "act" }),
          {
            abi: [],
            functionName: "act",
          },
        ),
        Object.assign(new Error("execution reverted"), {
          data: "0x4e487b710000000000000000000000000000000000000000000000000000000000000011",
        }),
        { data: "0xdeadbeef" },
        { data: `${classes[0]!.selector}zz` },
        new Error("fetch failed", { cause: new Error("ECONNREFUSED") }),
        "just a string",
        undefined,
      ]) {
        expect(decodeContractError(error)).to.equal(undefined);
      }
    });

    it("toStigmergyError passes a plain error through unchanged and decodes a revert", () => {
      const plain = new Error("boom");
      expect(toStigmergyError(plain)).to.equal(plain);
      const decoded = toStigmergyError(revertWith("LockNotHeld", [KEY]), { contractName: "LockManager" });
      expect(decoded).to.be.instanceOf(contractErrorClasses.LockNotHeld);
      expect(toStigmergyError(decoded)).to.equal(decoded); // decoded once only
    });
  });

  describe("one walk down the cause chain (viem's)", () => {
    it("walkCauses visits the error and its causes outermost first, and ends on a cyclic chain", () => {
      const inner = new Error("inner");
      const outer = new Error("outer", { cause: inner });
      const visited: unknown[] = [];
      expect(
        walkCauses(outer, (link) => {
          visited.push(link);
          return false;
        }),
      ).to.equal(null);
      expect(visited).to.deep.equal([outer, inner]);
      expect(walkCauses(outer, (link) => link === inner)).to.equal(inner);
      Object.assign(inner, { cause: outer }); // a cycle
      let steps = 0;
      expect(
        walkCauses(outer, () => {
          steps++;
          return false;
        }),
      ).to.equal(null);
      expect(steps).to.be.greaterThan(2).and.lessThan(100);
    });

    it("a connection failure deep in a chain is reported as NODE_UNREACHABLE, naming the URL", () => {
      const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      expect(
        isConnectionError(new Error("send failed", { cause: new Error("fetch failed", { cause: refused }) })),
      ).to.equal(true);
      expect(isConnectionError(new Error("boom"))).to.equal(false);
      const http = new HttpRequestError({ url: "http://127.0.0.1:1", cause: refused });
      const report = describeError(new Error("call failed", { cause: http }));
      expect(report.code).to.equal("NODE_UNREACHABLE");
      expect(report.message).to.contain("http://127.0.0.1:1");
    });
  });
});
