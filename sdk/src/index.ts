export * from "./generated/abis.js";
export { contractAddress, type Deployment, InvalidDeploymentError, loadDeployment, parseDeployment } from "./deployment.js";
export { StigmergyError, type StigmergyErrorParameters } from "./errors/base.js";
export {
  AGENT_WALLET_DOMAIN,
  AGENT_WALLET_MAX_DEADLINE_DELAY,
  agentWalletTypedData,
  agentWalletTypes,
  type AgentWalletTypedDataParameters,
} from "./identity/agentWallet.js";
