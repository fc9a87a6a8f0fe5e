/**
 * Turns a failed contract call into the typed error of the custom error it reverted with
 * (`TaskNotOpenError`, `LeaderAliveError`, …, generated from the ABIs into `generated/errors.ts`).
 */
import { type Abi, decodeErrorResult, type Hex, isHex } from "viem";
import { contractErrorClasses, contractErrorsAbi } from "../generated/errors.js";
import { ContractRevertError, type ContractRevertErrorOptions } from "./revert.js";
import { walkCauses } from "./walk.js";

export { ContractRevertError, type ContractRevertErrorOptions } from "./revert.js";

/** What the caller knows about the call that reverted, for the error's meta messages. */
export type DecodeContractErrorContext = {
  /** The contract called, e.g. "TaskBoard" (a revert does not say which contract raised it). */
  contractName?: string | undefined;
  /** The function called, e.g. "claim" (read from viem's error when not given). */
  functionName?: string | undefined;
};

/** A generated error class as the decoder uses it. */
type ContractRevertErrorClass = {
  readonly selector: string;
  new (args: Record<string, unknown>, options: ContractRevertErrorOptions): ContractRevertError;
};

// Each class takes its own args type. The decoder builds them from the ABI entry with the class's
// selector, so it may construct every class from a plain record.
const classesBySelector: ReadonlyMap<string, ContractRevertErrorClass> = new Map(
  Object.values(contractErrorClasses).map((Class) => [Class.selector, Class as unknown as ContractRevertErrorClass]),
);
const errorsAbi: Abi = contractErrorsAbi;

const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/** ABI-encoded revert data: a selector and its arguments. */
const isRevertData = (value: unknown): value is Hex => typeof value === "string" && value.length >= 10 && isHex(value);

/**
 * The revert data one link of a chain carries: viem's `ContractFunctionRevertedError.raw`, a
 * JSON-RPC error's `data` (Hardhat and geth put the revert data there; some wrappers nest it as
 * `data.data`), or the link itself when it is the bare hex.
 */
export function revertData(error: unknown): Hex | undefined {
  const data = field(error, "data");
  return [error, field(error, "raw"), data, field(data, "data")].find(isRevertData);
}

/** The arguments of `data`, by parameter name, when it encodes one of the contracts' custom errors. */
function decodeArgs(data: Hex): Record<string, unknown> | undefined {
  try {
    const { abiItem, args = [] } = decodeErrorResult({ abi: errorsAbi, data });
    if (abiItem.type !== "error") return undefined;
    return Object.fromEntries(abiItem.inputs.map((input, i) => [input.name || `arg${i}`, args[i]]));
  } catch {
    return undefined; // malformed arguments
  }
}

/**
 * Finds the revert data in `error` (a viem `ContractFunctionExecutionError`, a JSON-RPC error
 * carrying `data`, bare revert hex, or anything whose `cause` chain holds one: see `walkCauses`)
 * and, when it is one of the Stigmergy contracts' custom errors, returns that error's typed class
 * with `cause` = `error`.
 *
 * @returns The decoded error; undefined when `error` did not revert with a known custom error
 * (e.g. a `require` message, a panic, a network failure).
 *
 * @example
 * try {
 *   await taskBoard.write.claim([taskId, agentId]);
 * } catch (error) {
 *   const reverted = decodeContractError(error, { contractName: "TaskBoard" });
 *   if (reverted instanceof TaskNotOpenError) skip(reverted.args.taskId);
 *   else throw reverted ?? error;
 * }
 */
export function decodeContractError(
  error: unknown,
  context: DecodeContractErrorContext = {},
): ContractRevertError | undefined {
  let functionName = context.functionName;
  let decoded: ContractRevertError | undefined;
  walkCauses(error, (link) => {
    if (link instanceof ContractRevertError) {
      decoded = link; // decoded already
      return true;
    }
    const named = field(link, "functionName");
    if (functionName === undefined && typeof named === "string") functionName = named;
    const data = revertData(link);
    const Class = data && classesBySelector.get(data.slice(0, 10).toLowerCase());
    const args = Class && decodeArgs(data);
    if (Class && args) decoded = new Class(args, { contractName: context.contractName, functionName, cause: error });
    return decoded !== undefined;
  });
  return decoded;
}

/**
 * `error` as a typed contract error when it reverted with one of the contracts' custom errors,
 * otherwise `error` itself: for `catch (e) { throw toStigmergyError(e, { contractName }) }`.
 */
export function toStigmergyError<E>(error: E, context?: DecodeContractErrorContext): E | ContractRevertError {
  return decodeContractError(error, context) ?? error;
}
