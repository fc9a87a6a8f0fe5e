// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AgentAuth} from "../identity/AgentAuth.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IValidationRegistry} from "../interfaces/IValidationRegistry.sol";
import {Paging} from "../libraries/Paging.sol";

/**
 * @title ValidationRegistry
 * @notice ERC-8004 validation requests and responses, keyed by the caller's `requestHash` exactly
 * as the ERC (see {IValidationRegistry} for what a squatted hash costs whom).
 */
contract ValidationRegistry is IValidationRegistry, AgentAuth {
    /// @notice Largest response (100 = passed).
    uint8 public constant MAX_RESPONSE = 100;

    /// @dev keccak256("") — the tag filter that matches any tag.
    bytes32 private constant ANY_TAG = keccak256("");

    /// @dev A request: one fresh slot (`| 48 agentId | 8 response + 1 | 40 lastUpdate | 160 validator |`)
    /// unless the agent id needs more than 48 bits (then `agentId` is 0 and `largeAgentId` holds it).
    /// `response` is 0 until the first response, then the response plus one.
    struct Request {
        address validator;
        uint40 lastUpdate;
        uint8 response;
        uint48 agentId;
        uint256 largeAgentId;
        bytes32 responseHash;
        string tag;
    }

    mapping(bytes32 requestHash => Request) private _requests;
    mapping(uint256 agentId => bytes32[]) private _agentRequests;
    mapping(address validator => bytes32[]) private _validatorRequests;

    constructor(IIdentityRegistry identity) AgentAuth(identity) {}

    /// @inheritdoc IValidationRegistry
    function getIdentityRegistry() external view returns (address) {
        return address(_identity);
    }

    /// @inheritdoc IValidationRegistry
    function validationRequest(
        address validatorAddress,
        uint256 agentId,
        string calldata requestURI,
        bytes32 requestHash
    ) external {
        _requireAuthorized(agentId);
        if (validatorAddress == address(0)) revert ZeroValidator();
        if (_identity.isAuthorized(validatorAddress, agentId)) revert SelfValidation(agentId, validatorAddress);

        Request storage request = _requests[requestHash];
        if (request.validator != address(0)) revert ValidationRequestExists(requestHash);
        // Unix seconds fit 40 bits until the year 36812.
        request.validator = validatorAddress;
        request.lastUpdate = uint40(block.timestamp);
        if (agentId <= type(uint48).max) request.agentId = uint48(agentId);
        else request.largeAgentId = agentId;
        _agentRequests[agentId].push(requestHash);
        _validatorRequests[validatorAddress].push(requestHash);

        emit ValidationRequest(validatorAddress, agentId, requestURI, requestHash);
    }

    /// @inheritdoc IValidationRegistry
    function validationResponse(
        bytes32 requestHash,
        uint8 response,
        string calldata responseURI,
        bytes32 responseHash,
        string calldata tag
    ) external {
        Request storage request = _existingRequest(requestHash);
        address validator = request.validator;
        if (msg.sender != validator) revert NotValidator(msg.sender, validator);
        if (response > MAX_RESPONSE) revert InvalidResponse(response);

        // response <= MAX_RESPONSE, so response + 1 fits 8 bits.
        request.response = response + 1;
        request.lastUpdate = uint40(block.timestamp);
        request.responseHash = responseHash;
        request.tag = tag;

        emit ValidationResponse(validator, _agentOf(request), requestHash, response, responseURI, responseHash, tag);
    }

    /// @inheritdoc IValidationRegistry
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
        )
    {
        Request storage request = _existingRequest(requestHash);
        uint8 stored = request.response;
        return (
            request.validator,
            _agentOf(request),
            stored == 0 ? 0 : stored - 1,
            request.responseHash,
            request.tag,
            request.lastUpdate
        );
    }

    /// @inheritdoc IValidationRegistry
    function getSummary(uint256 agentId, address[] calldata validatorAddresses, string calldata tag)
        external
        view
        returns (uint64 count, uint8 averageResponse)
    {
        bytes32 tagHash = keccak256(bytes(tag));
        bytes32[] storage ids = _agentRequests[agentId];
        uint256 total;
        for (uint256 i; i < ids.length; ++i) {
            Request storage request = _requests[ids[i]];
            uint8 stored = request.response;
            if (stored == 0) continue;
            if (validatorAddresses.length != 0 && !_contains(validatorAddresses, request.validator)) continue;
            if (tagHash != ANY_TAG && tagHash != keccak256(bytes(request.tag))) continue;
            total += stored - 1;
            ++count;
        }
        // The mean of values <= 100 is <= 100, so the narrowing cast is exact.
        if (count != 0) averageResponse = uint8(total / count);
    }

    /// @inheritdoc IValidationRegistry
    function getAgentValidations(uint256 agentId) external view returns (bytes32[] memory) {
        return _agentRequests[agentId];
    }

    /// @inheritdoc IValidationRegistry
    function getValidatorRequests(address validatorAddress) external view returns (bytes32[] memory) {
        return _validatorRequests[validatorAddress];
    }

    /// @inheritdoc IValidationRegistry
    function getAgentValidationsPage(uint256 agentId, uint256 offset, uint256 limit)
        external
        view
        returns (bytes32[] memory, uint256)
    {
        return _page(_agentRequests[agentId], offset, limit);
    }

    /// @inheritdoc IValidationRegistry
    function getValidatorRequestsPage(address validatorAddress, uint256 offset, uint256 limit)
        external
        view
        returns (bytes32[] memory, uint256)
    {
        return _page(_validatorRequests[validatorAddress], offset, limit);
    }

    /// @dev The request's agent, wherever it is stored.
    function _agentOf(Request storage request) private view returns (uint256) {
        uint256 small = request.agentId;
        return small != 0 ? small : request.largeAgentId;
    }

    function _existingRequest(bytes32 requestHash) private view returns (Request storage request) {
        request = _requests[requestHash];
        if (request.validator == address(0)) revert ValidationRequestNotFound(requestHash);
    }

    function _page(bytes32[] storage all, uint256 offset, uint256 limit)
        private
        view
        returns (bytes32[] memory page, uint256 total)
    {
        total = all.length;
        (uint256 start, uint256 end) = Paging.window(total, offset, limit);
        page = new bytes32[](end - start);
        for (uint256 i = start; i < end; ++i) {
            page[i - start] = all[i];
        }
    }

    function _contains(address[] calldata list, address item) private pure returns (bool) {
        for (uint256 i; i < list.length; ++i) {
            if (list[i] == item) return true;
        }
        return false;
    }
}
