/**
 * @stigmergy/contracts: what every part of Stigmergy shares. The Solidity sources and interfaces
 * ship beside this module (`import "@stigmergy/contracts/interfaces/ITaskBoard.sol"`); from
 * TypeScript come the `as const` ABIs, the enums the ABIs use and the deployment file's parser;
 * from `@stigmergy/contracts/fixture`, `deployStigmergy`, which deploys the whole system from the
 * shipped bytecode (a separate entry: the bytecode is large and only deployments need it).
 */

export { type ChainClock, chainClock, followChain } from "./clock.js";
export {
  contractAddress,
  type Deployment,
  InvalidDeploymentError,
  loadDeployment,
  parseDeployment,
} from "./deployment.js";
export { StigmergyError, type StigmergyErrorParameters } from "./errors.js";
export * from "./generated/abis.js";
export * from "./generated/enums.js";
