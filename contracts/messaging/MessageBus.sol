// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AgentAuth} from "../identity/AgentAuth.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ILeaderElection} from "../interfaces/ILeaderElection.sol";
import {IMessageBus} from "../interfaces/IMessageBus.sol";

/**
 * @title MessageBus
 * @notice Messages as events with gap-detecting sequence numbers. A channel's counter and its group
 * share one slot: `| 64 groupId | 192 seq |`.
 */
contract MessageBus is IMessageBus, AgentAuth {
    /// @notice Largest payload, in bytes (a message is an event: big payloads belong behind a URI).
    uint256 public constant MAX_PAYLOAD = 16_384;

    uint256 private constant SEQ_MASK = (1 << 192) - 1;

    ILeaderElection private immutable _election;

    mapping(bytes32 channel => uint256 groupAndSeq) private _channels;
    mapping(uint256 agentId => uint256 seq) private _inboxes;

    constructor(IIdentityRegistry identity, ILeaderElection election) AgentAuth(identity) {
        _election = election;
    }

    /// @inheritdoc IMessageBus
    function post(uint256 fromAgentId, bytes32 channel, bytes calldata payload) external returns (uint256 seq) {
        _requireAuthorized(fromAgentId);
        if (payload.length > MAX_PAYLOAD) revert PayloadTooLarge(payload.length, MAX_PAYLOAD);
        uint256 word = _channels[channel];
        uint256 groupId = word >> 192;
        if (groupId != 0 && !_election.isMember(groupId, fromAgentId)) {
            revert NotChannelMember(channel, groupId, fromAgentId);
        }
        // 2^192 messages cannot be sent, so the counter never reaches the group bits.
        seq = (word & SEQ_MASK) + 1;
        _channels[channel] = (groupId << 192) | seq;
        emit ChannelMessage(channel, fromAgentId, seq, payload);
    }

    /// @inheritdoc IMessageBus
    function send(uint256 fromAgentId, uint256 toAgentId, bytes calldata payload) external returns (uint256 seq) {
        _requireAuthorized(fromAgentId);
        if (payload.length > MAX_PAYLOAD) revert PayloadTooLarge(payload.length, MAX_PAYLOAD);
        if (!_identity.exists(toAgentId)) revert AgentNotFound(toAgentId);
        seq = ++_inboxes[toAgentId];
        emit DirectMessage(toAgentId, fromAgentId, seq, payload);
    }

    /// @inheritdoc IMessageBus
    function restrictChannel(uint256 groupId, bytes32 name) external returns (bytes32 channel) {
        if (groupId == 0 || groupId > _election.groupCount()) revert UnknownGroup(groupId);
        channel = groupChannel(groupId, name);
        uint256 word = _channels[channel];
        if (word != 0) revert ChannelInUse(channel, word & SEQ_MASK);
        // groupId <= groupCount, far below 2^64.
        _channels[channel] = groupId << 192;
        emit ChannelRestricted(channel, groupId, name);
    }

    /// @inheritdoc IMessageBus
    function groupChannel(uint256 groupId, bytes32 name) public pure returns (bytes32) {
        return keccak256(abi.encode("stigmergy.group-channel", groupId, name));
    }

    /// @inheritdoc IMessageBus
    function channelGroup(bytes32 channel) external view returns (uint256) {
        return _channels[channel] >> 192;
    }

    /// @inheritdoc IMessageBus
    function channelSeq(bytes32 channel) external view returns (uint256) {
        return _channels[channel] & SEQ_MASK;
    }

    /// @inheritdoc IMessageBus
    function inboxSeq(uint256 agentId) external view returns (uint256) {
        return _inboxes[agentId];
    }
}
