/**
 * Broadcast channels and inboxes, bound to an agent: post, send, read, and `onMessage`. Each method
 * calls the action of the same concern in `actions/messages/`.
 */
import { getGroupChannel } from "../actions/messages/getGroupChannel.js";
import type { MessageFilter } from "../actions/messages/messageLogs.js";
import { postMessage } from "../actions/messages/postMessage.js";
import { readChannel } from "../actions/messages/readChannel.js";
import { type ReadInboxParameters, readInbox } from "../actions/messages/readInbox.js";
import { restrictChannel } from "../actions/messages/restrictChannel.js";
import { sendMessage } from "../actions/messages/sendMessage.js";
import { watchMessages } from "../actions/messages/watchMessages.js";
import type { Context } from "../client/context.js";
import type { Message } from "../indexer/rows.js";
import { channelId } from "../utils/keys.js";

export function messagesModule(ctx: Context) {
  return {
    /** The bytes32 id of a channel name. See {@link channelId}. */
    channelId,
    /** The id of group `groupId`'s restricted channel `name`. See {@link getGroupChannel}. */
    groupChannel: (groupId: bigint | number, name: string) => getGroupChannel(ctx, { groupId, name }),
    /** Reserves a group's channel for its members. See {@link restrictChannel}. */
    restrictChannel: (groupId: bigint | number, name: string) => restrictChannel(ctx, { groupId, name }),
    /** Broadcasts `payload` on `channel` as the agent. See {@link postMessage}. */
    post: (channel: string, payload: string, options: { fromAgentId?: bigint } = {}) =>
      postMessage(ctx, { ...options, channel, payload }),
    /** Sends `payload` to `toAgentId`'s inbox as the agent. See {@link sendMessage}. */
    send: (toAgentId: bigint | number, payload: string, options: { fromAgentId?: bigint } = {}) =>
      sendMessage(ctx, { ...options, toAgentId, payload }),
    /** Messages in an inbox (default: the agent's own), oldest first. See {@link readInbox}. */
    inbox: (options: ReadInboxParameters = {}) => readInbox(ctx, options),
    /** Messages on a channel, oldest first. See {@link readChannel}. */
    channel: (channel: string, options: { after?: bigint; limit?: number } = {}) =>
      readChannel(ctx, { ...options, channel }),
    /** Pushes each new message on a channel or in an inbox, once, in order. See {@link watchMessages}. */
    onMessage: (filter: MessageFilter, onMessage: (message: Message) => void, onError?: (error: Error) => void) =>
      watchMessages(ctx, { filter, onMessage, onError }),
  };
}

export type MessagesModule = ReturnType<typeof messagesModule>;
