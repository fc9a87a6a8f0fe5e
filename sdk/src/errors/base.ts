/**
 * The base of every SDK error is the one every Stigmergy package throws (from @stigmergy/contracts,
 * built on viem's `BaseError`): `shortMessage`, a stable `code`, `metaMessages`, `details`, `walk`.
 */
export { StigmergyError, type StigmergyErrorParameters } from "@stigmergy/contracts";
