// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAgentErrors} from "./IAgentErrors.sol";

/**
 * @title IValidationRegistry
 * @notice ERC-8004 Validation Registry (spec text of 2026-01-25): agents ask validators to check
 * their work; validators record a 0-100 response, possibly several times.
 *
 * Request identity, exactly as the ERC. A request is keyed and emitted by the caller's
 * `requestHash` (keccak256 of the request file `requestURI` points to), so a validator written to
 * the ERC answers {validationResponse} with the hash it saw and checks the file against it.
 * Hashes are global: anyone who sees a pending request may land the same hash first for an agent
 * of their own. That squat costs the squatter gas and blocks nothing for long: the requester gets
 * {ValidationRequestExists} and asks again with a salted request file (a fresh hash), which the
 * SDK's `validation.request` does by itself. The squatted request names the squatter's agent, so
 * it cannot be passed off as the requester's.
 */
interface IValidationRegistry is IAgentErrors {
    /**
     * @notice Emitted when an agent asks a validator for a validation.
     * @param validatorAddress The validator asked.
     * @param agentId The agent whose work is to be validated.
     * @param requestURI Off-chain data with everything the validator needs.
     * @param requestHash The caller's hash of the request file, the request's key.
     */
    event ValidationRequest(
        address indexed validatorAddress, uint256 indexed agentId, string requestURI, bytes32 indexed requestHash
    );

    /**
     * @notice Emitted each time the validator records a response.
     * @param validatorAddress The validator.
     * @param agentId The agent.
     * @param requestHash The request's key.
     * @param response 0 (failed) to 100 (passed).
     * @param responseURI Optional evidence.
     * @param responseHash Optional keccak256 of the evidence.
     * @param tag Optional category (e.g. "soft-finality").
     */
    event ValidationResponse(
        address indexed validatorAddress,
        uint256 indexed agentId,
        bytes32 indexed requestHash,
        uint8 response,
        string responseURI,
        bytes32 responseHash,
        string tag
    );

    /// @notice Thrown when the validator address is zero.
    error ZeroValidator();

    /**
     * @notice Thrown when the validator is itself authorised for the agent (owner, operator or
     * agentWallet): an agent cannot validate its own work.
     * @param agentId The agent.
     * @param validatorAddress The validator that was passed.
     */
    error SelfValidation(uint256 agentId, address validatorAddress);

    /**
     * @notice Thrown when a request with this hash exists already (hashes are global, as in the
     * ERC; whoever was first owns it). Ask again with a salted request file.
     * @param requestHash The hash that is taken.
     */
    error ValidationRequestExists(bytes32 requestHash);

    /**
     * @notice Thrown when no request has this hash.
     * @param requestHash The hash that was passed.
     */
    error ValidationRequestNotFound(bytes32 requestHash);

    /**
     * @notice Thrown when someone other than the request's validator responds.
     * @param caller The caller.
     * @param validatorAddress The request's validator.
     */
    error NotValidator(address caller, address validatorAddress);

    /**
     * @notice Thrown when a response exceeds 100.
     * @param response The response that was passed.
     */
    error InvalidResponse(uint8 response);

    /**
     * @notice The IdentityRegistry whose agents are validated.
     * @return identityRegistry Its address.
     */
    function getIdentityRegistry() external view returns (address identityRegistry);

    /**
     * @notice Asks `validatorAddress` to validate work of `agentId`.
     * @dev Requirements: the agent exists; the caller {IIdentityRegistry-isAuthorized} for it;
     * the validator is not zero and not authorised for the agent; no request has `requestHash`
     * yet. Emits {ValidationRequest}.
     * @param validatorAddress The validator.
     * @param agentId The agent.
     * @param requestURI Off-chain data for the validator (the request file).
     * @param requestHash keccak256 of the request file: the request's key from now on.
     */
    function validationRequest(
        address validatorAddress,
        uint256 agentId,
        string calldata requestURI,
        bytes32 requestHash
    ) external;

    /**
     * @notice Records the validator's response; may be called again to update it.
     * @dev Requirements: the request exists; the caller is its validator; `response <= 100`.
     * Emits {ValidationResponse}.
     * @param requestHash The request's key, as the requester passed it.
     * @param response 0 (failed) to 100 (passed).
     * @param responseURI Optional evidence.
     * @param responseHash Optional keccak256 of the evidence.
     * @param tag Optional category.
     */
    function validationResponse(
        bytes32 requestHash,
        uint8 response,
        string calldata responseURI,
        bytes32 responseHash,
        string calldata tag
    ) external;

    /**
     * @notice A request and its latest response.
     * @dev Requirements: the request exists.
     * @param requestHash The request's key.
     * @return validatorAddress The validator.
     * @return agentId The agent validated.
     * @return response The response (0 to 100; 0 before any).
     * @return responseHash The response's hash.
     * @return tag The response's tag.
     * @return lastUpdate When the request or its last response landed.
     */
    function getValidationStatus(bytes32 requestHash)
        external
        view
        returns (
            address validatorAddress,
            uint256 agentId,
            uint8 response,
            bytes32 responseHash,
            string memory tag,
            uint256 lastUpdate
        );

    /**
     * @notice Count and floor-average of the latest responses to the agent's answered requests.
     * @param agentId The agent.
     * @param validatorAddresses Only these validators (empty: any).
     * @param tag Only responses with this tag ("" matches any).
     * @return count Number of answered, matching requests.
     * @return averageResponse Their mean response, rounded down (0 when count is 0).
     */
    function getSummary(uint256 agentId, address[] calldata validatorAddresses, string calldata tag)
        external
        view
        returns (uint64 count, uint8 averageResponse);

    /**
     * @notice Every request made for the agent, oldest first. Unbounded: prefer
     * {getAgentValidationsPage}.
     * @param agentId The agent.
     * @return requestHashes The requests, oldest first.
     */
    function getAgentValidations(uint256 agentId) external view returns (bytes32[] memory requestHashes);

    /**
     * @notice Every request addressed to the validator, oldest first. Unbounded: prefer
     * {getValidatorRequestsPage}.
     * @param validatorAddress The validator.
     * @return requestHashes The requests, oldest first.
     */
    function getValidatorRequests(address validatorAddress) external view returns (bytes32[] memory requestHashes);

    /**
     * @notice A page of {getAgentValidations}.
     * @param agentId The agent.
     * @param offset Index of the first identifier returned.
     * @param limit Most identifiers returned.
     * @return requestHashes The page.
     * @return total Number of requests in all.
     */
    function getAgentValidationsPage(uint256 agentId, uint256 offset, uint256 limit)
        external
        view
        returns (bytes32[] memory requestHashes, uint256 total);

    /**
     * @notice A page of {getValidatorRequests}.
     * @param validatorAddress The validator.
     * @param offset Index of the first identifier returned.
     * @param limit Most identifiers returned.
     * @return requestHashes The page.
     * @return total Number of requests in all.
     */
    function getValidatorRequestsPage(address validatorAddress, uint256 offset, uint256 limit)
        external
        view
        returns (bytes32[] memory requestHashes, uint256 total);
}
