// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAgentErrors} from "./IAgentErrors.sol";

/**
 * @title IMessageBus
 * @notice Broadcast channels and per-agent inboxes. Messages are events, not storage: the only
 * state is one sequence counter per channel and per inbox, so a reader can tell when it missed one.
 * A channel is open to every agent unless it was created for a LeaderElection group with
 * {restrictChannel}, in which case only the group's members may post.
 */
interface IMessageBus is IAgentErrors {
    /**
     * @notice A message on a channel.
     * @param channel The channel.
     * @param from The sending agent.
     * @param seq The message's number on this channel (1, 2, 3, ...).
     * @param payload The message.
     */
    event ChannelMessage(bytes32 indexed channel, uint256 indexed from, uint256 seq, bytes payload);

    /**
     * @notice A message to one agent.
     * @param to The receiving agent.
     * @param from The sending agent.
     * @param seq The message's number in the receiver's inbox (1, 2, 3, ...).
     * @param payload The message.
     */
    event DirectMessage(uint256 indexed to, uint256 indexed from, uint256 seq, bytes payload);

    /**
     * @notice A channel was reserved for a group's members.
     * @param channel The channel ({groupChannel} of the group and name).
     * @param groupId The group.
     * @param name The name it was derived from.
     */
    event ChannelRestricted(bytes32 indexed channel, uint256 indexed groupId, bytes32 name);

    /// @notice Thrown when a non-member posts to a group's channel.
    error NotChannelMember(bytes32 channel, uint256 groupId, uint256 agentId);

    /// @notice Thrown when restricting a channel that already carries messages.
    error ChannelInUse(bytes32 channel, uint256 seq);

    /// @notice Thrown when restricting to a group that does not exist.
    error UnknownGroup(uint256 groupId);

    /// @notice Thrown when a payload exceeds {MAX_PAYLOAD} bytes.
    error PayloadTooLarge(uint256 length, uint256 max);

    /**
     * @notice Broadcasts `payload` on `channel` as `fromAgentId`.
     * @dev Requirements: the caller is authorised for the agent; a restricted channel's group has
     * the agent as a member; the payload is at most {MAX_PAYLOAD} bytes. Emits {ChannelMessage}.
     * @return seq The message's number on the channel.
     * @param fromAgentId The sending agent.
     * @param channel The channel.
     * @param payload The message.
     */
    function post(uint256 fromAgentId, bytes32 channel, bytes calldata payload) external returns (uint256 seq);

    /**
     * @notice Sends `payload` to `toAgentId`'s inbox as `fromAgentId`.
     * @dev Requirements: the caller is authorised for the sender; the receiver exists; the payload
     * is at most {MAX_PAYLOAD} bytes. Emits {DirectMessage}.
     * @return seq The message's number in the inbox.
     * @param fromAgentId The sending agent.
     * @param toAgentId The receiving agent.
     * @param payload The message.
     */
    function send(uint256 fromAgentId, uint256 toAgentId, bytes calldata payload) external returns (uint256 seq);

    /**
     * @notice Reserves the channel `groupChannel(groupId, name)` for the group's members; anyone may
     * call, once, before the channel carries a message. The channel id is derived from the group, so
     * nobody can tie another group's channel, or an open channel, to a group.
     * @dev Emits {ChannelRestricted}.
     * @return channel The channel id.
     * @param groupId The group.
     * @param name The channel's name within the group.
     */
    function restrictChannel(uint256 groupId, bytes32 name) external returns (bytes32 channel);

    /// @notice The channel id of group `groupId`'s channel `name`.
    /// @param groupId The group.
    /// @param name The channel's name within the group.
    function groupChannel(uint256 groupId, bytes32 name) external pure returns (bytes32);

    /// @notice The group a channel is restricted to (0: open).
    /// @param channel The channel.
    function channelGroup(bytes32 channel) external view returns (uint256);

    /// @notice Messages posted on the channel so far.
    /// @param channel The channel.
    function channelSeq(bytes32 channel) external view returns (uint256);

    /// @notice Messages sent to the agent so far.
    /// @param agentId The agent.
    function inboxSeq(uint256 agentId) external view returns (uint256);
}
