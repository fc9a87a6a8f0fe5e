// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {IAgentErrors} from "./IAgentErrors.sol";

/**
 * @title IIdentityRegistry
 * @notice ERC-8004 Identity Registry (spec text of 2026-01-25) plus the lookups other Stigmergy
 * contracts gate on: `isAuthorized`, `isEligible`, `agentOfWallet` and capability tags, and the
 * registry of protocol contracts, which are never an agent's key.
 *
 * An agent is an ERC-721 token; `agentId` is its token id, assigned incrementally from 1 (0 means
 * "no agent"), and `tokenURI` is its `agentURI`, the registration file.
 */
interface IIdentityRegistry is IERC721Metadata, IAgentErrors {
    /// @notice An on-chain metadata entry passed to {register}.
    struct MetadataEntry {
        string metadataKey;
        bytes metadataValue;
    }

    /**
     * @notice Emitted once per new agent, after its ERC-721 `Transfer` from the zero address.
     * @param agentId The new agent's id.
     * @param agentURI Its registration file URI (may be empty).
     * @param owner The address that registered it and owns it.
     */
    event Registered(uint256 indexed agentId, string agentURI, address indexed owner);

    /**
     * @notice Emitted when an agent's URI changes.
     * @param agentId The agent.
     * @param newURI The new registration file URI.
     * @param updatedBy The owner or operator that changed it.
     */
    event URIUpdated(uint256 indexed agentId, string newURI, address indexed updatedBy);

    /**
     * @notice Emitted when a metadata entry is set, including the reserved `agentWallet` key
     * (at registration, on {setAgentWallet}, {unsetAgentWallet} and when a transfer clears it).
     * @param agentId The agent.
     * @param indexedMetadataKey The key, indexed (as its keccak256 hash).
     * @param metadataKey The key.
     * @param metadataValue The new value; for `agentWallet`, the 20 packed address bytes or empty.
     */
    event MetadataSet(
        uint256 indexed agentId, string indexed indexedMetadataKey, string metadataKey, bytes metadataValue
    );

    /**
     * @notice Emitted when an agent's capability tags are replaced.
     * @param agentId The agent.
     * @param caps The complete new set (earlier tags not in it are dropped).
     */
    event CapabilitiesSet(uint256 indexed agentId, bytes32[] caps);

    /**
     * @notice Emitted when a contract registers itself as a protocol contract (see
     * {registerProtocolContract}).
     * @param account The contract.
     */
    event ProtocolContractRegistered(address indexed account);

    /**
     * @notice Thrown when the caller is neither the agent's owner nor an approved ERC-721 operator
     * (the ERC's rule for URI, metadata and wallet changes).
     * @param caller The address that called.
     * @param agentId The agent.
     */
    error NotOwnerOrOperator(address caller, uint256 agentId);

    /**
     * @notice Thrown when {setMetadata} or {register} is given the reserved key `agentWallet`.
     * @param metadataKey The key that was passed.
     */
    error ReservedMetadataKey(string metadataKey);

    /**
     * @notice Thrown when the zero address is proposed as an agentWallet.
     */
    error ZeroAgentWallet();

    /**
     * @notice Thrown when an agentWallet signature's deadline has passed.
     * @param deadline The signed deadline.
     * @param timestamp The current block timestamp.
     */
    error AgentWalletSignatureExpired(uint256 deadline, uint256 timestamp);

    /**
     * @notice Thrown when an agentWallet signature's deadline is more than 5 minutes ahead.
     * @param deadline The signed deadline.
     * @param maxDeadline The latest deadline accepted now.
     */
    error AgentWalletDeadlineTooFar(uint256 deadline, uint256 maxDeadline);

    /**
     * @notice Thrown when the signature does not prove control of `newWallet`: not an EIP-712
     * signature by that EOA, or refused by that contract wallet's ERC-1271 `isValidSignature`.
     * @param agentId The agent.
     * @param newWallet The wallet whose control was to be proved.
     */
    error InvalidAgentWalletSignature(uint256 agentId, address newWallet);

    /**
     * @notice Thrown when an approval, an operator approval, a transfer or an agentWallet would make
     * a registered protocol contract an agent's key.
     * @param account The protocol contract.
     */
    error ProtocolContractNotAllowed(address account);

    /**
     * @notice Thrown when {setCapabilities} is given the zero tag (0 means "any" to TaskBoard).
     * @param index Position of the zero tag in the array.
     */
    error ZeroCapability(uint256 index);

    /**
     * @notice Registers a new agent owned by the caller, with an empty agentURI.
     * @dev Emits {IERC721-Transfer}, {Registered} and {MetadataSet} for `agentWallet` (the owner).
     * If the caller is a contract it must accept ERC-721 tokens (`onERC721Received`).
     * @return agentId The new agent's id.
     */
    function register() external returns (uint256 agentId);

    /**
     * @notice Registers a new agent owned by the caller.
     * @dev Emits {IERC721-Transfer}, {Registered} and {MetadataSet} for `agentWallet`.
     * @param agentURI The registration file URI.
     * @return agentId The new agent's id.
     */
    function register(string calldata agentURI) external returns (uint256 agentId);

    /**
     * @notice Registers a new agent owned by the caller, with on-chain metadata.
     * @dev Requirements: no entry uses the reserved key `agentWallet`.
     * Emits {IERC721-Transfer}, {Registered}, then {MetadataSet} for `agentWallet` and per entry.
     * @param agentURI The registration file URI.
     * @param metadata Entries to set.
     * @return agentId The new agent's id.
     */
    function register(string calldata agentURI, MetadataEntry[] calldata metadata) external returns (uint256 agentId);

    /**
     * @notice Replaces an agent's URI.
     * @dev Requirements: the agent exists; the caller is its owner or an approved operator.
     * Emits {URIUpdated} and ERC-4906 `MetadataUpdate`.
     * @param agentId The agent.
     * @param newURI The new registration file URI.
     */
    function setAgentURI(uint256 agentId, string calldata newURI) external;

    /**
     * @notice Reads an on-chain metadata entry; `agentWallet` returns the wallet's 20 packed bytes
     * (empty when no wallet is set). Unknown keys and agents return empty bytes.
     * @param agentId The agent.
     * @param metadataKey The key.
     * @return The stored value.
     */
    function getMetadata(uint256 agentId, string calldata metadataKey) external view returns (bytes memory);

    /**
     * @notice Sets an on-chain metadata entry.
     * @dev Requirements: the agent exists; the caller is its owner or an approved operator; the key
     * is not `agentWallet`. Emits {MetadataSet}.
     * @param agentId The agent.
     * @param metadataKey The key.
     * @param metadataValue The value.
     */
    function setMetadata(uint256 agentId, string calldata metadataKey, bytes calldata metadataValue) external;

    /**
     * @notice Sets the agent's wallet after `newWallet` proves control by signing
     * `AgentWalletSet(uint256 agentId,address newWallet,address owner,uint256 deadline)` under the
     * EIP-712 domain `ERC8004IdentityRegistry` version `1` (EOA), or by approving that digest
     * through ERC-1271 (contract wallet).
     * @dev Requirements: the agent exists; the caller is its owner or an approved operator;
     * `newWallet` is not zero and not a protocol contract;
     * `block.timestamp <= deadline <= block.timestamp + 5 minutes`; the signature is valid. A wallet serves one agent at a time: if `newWallet` was another agent's
     * wallet, that agent's wallet is cleared (its own {MetadataSet} with an empty value).
     * Emits {MetadataSet} for `agentWallet`.
     * @param agentId The agent.
     * @param newWallet The wallet to set.
     * @param deadline Last timestamp at which the signature is accepted.
     * @param signature The wallet's signature (65-byte ECDSA, or whatever its ERC-1271 accepts).
     */
    function setAgentWallet(uint256 agentId, address newWallet, uint256 deadline, bytes calldata signature) external;

    /**
     * @notice Clears the agent's wallet (to the zero address).
     * @dev Requirements: the agent exists; the caller is its owner or an approved operator.
     * Emits {MetadataSet} for `agentWallet` with an empty value.
     * @param agentId The agent.
     */
    function unsetAgentWallet(uint256 agentId) external;

    /**
     * @notice The agent's wallet: its owner until a wallet is verified with {setAgentWallet}; zero
     * after {unsetAgentWallet} or a transfer, until a new one is verified.
     * @dev Requirements: the agent exists.
     * @param agentId The agent.
     * @return wallet The wallet, or the zero address.
     */
    function getAgentWallet(uint256 agentId) external view returns (address wallet);

    /**
     * @notice Whether `account` may act for `agentId`: its owner, an approved ERC-721 operator
     * (for this token or all of the owner's) that is not a protocol contract, or its verified
     * agentWallet. False for unknown agents.
     * @param account The would-be actor.
     * @param agentId The agent.
     * @return True if authorised.
     */
    function isAuthorized(address account, uint256 agentId) external view returns (bool);

    /**
     * @notice Reverse lookup of a wallet verified with {setAgentWallet}.
     * @param wallet The wallet.
     * @return agentId The agent it currently serves, or 0.
     */
    function agentOfWallet(address wallet) external view returns (uint256 agentId);

    /**
     * @notice Replaces the agent's capability tags (e.g. `keccak256("summarize")`).
     * @dev Requirements: the caller {isAuthorized} for the agent; no tag is zero.
     * Emits {CapabilitiesSet}.
     * @param agentId The agent.
     * @param caps The complete new set of tags; an empty array clears them.
     */
    function setCapabilities(uint256 agentId, bytes32[] calldata caps) external;

    /**
     * @notice Whether the agent declared `capability` in its current set.
     * @param agentId The agent.
     * @param capability The tag.
     * @return True if declared.
     */
    function hasCapability(uint256 agentId, bytes32 capability) external view returns (bool);

    /**
     * @notice The agent's current capability tags, each once, in declaration order.
     * @param agentId The agent.
     * @return The tags.
     */
    function capabilitiesOf(uint256 agentId) external view returns (bytes32[] memory);

    /**
     * @notice What a claim checks, in one call: `account` may act for `agentId` ({isAuthorized}),
     * the agent declared `capability` (0: none needed), and `client` (the task's poster) is none
     * of the agent's keys — not its owner, operator or agentWallet — so nobody works, and earns
     * reputation, for itself.
     * @param account The would-be actor.
     * @param agentId The agent.
     * @param capability The tag required, or 0.
     * @param client Who the agent would work for.
     * @return True if all three hold.
     */
    function isEligible(address account, uint256 agentId, bytes32 capability, address client) external view returns (bool);

    /**
     * @notice Registers the caller as a protocol contract (TaskBoard calls it from its constructor):
     * from then on it is never an agent's key. Approvals, operator approvals, transfers and
     * agentWallets naming it are refused, and approvals it received before are ignored, so an
     * agent owner cannot make a contract that rates agents (a reputation client) count as the
     * agent's own key. Irrevocable; a caller can only register itself.
     * @dev Emits {ProtocolContractRegistered}.
     */
    function registerProtocolContract() external;

    /**
     * @notice Whether `account` registered itself as a protocol contract.
     * @param account The address.
     * @return True if registered.
     */
    function isProtocolContract(address account) external view returns (bool);

    /**
     * @notice Whether `agentId` is registered.
     * @param agentId The agent.
     * @return True if the token exists.
     */
    function exists(uint256 agentId) external view returns (bool);

    /**
     * @notice The id of the most recently registered agent (the number of agents ever registered).
     * @return The last id, 0 before the first registration.
     */
    function lastAgentId() external view returns (uint256);
}
