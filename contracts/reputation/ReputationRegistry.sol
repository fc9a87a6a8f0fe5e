// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IReputationRegistry} from "../interfaces/IReputationRegistry.sol";
import {Paging} from "../libraries/Paging.sol";
import {FeedbackEntry, FeedbackEntryLib} from "./FeedbackEntry.sol";

/**
 * @title ReputationRegistry
 * @notice ERC-8004 feedback on agents. TaskBoard writes here as a client, so protocol-attested
 * reputation is `getSummary(agentId, [taskBoard], "task", "")`.
 */
contract ReputationRegistry is IReputationRegistry {

    /// @notice Largest |value| accepted (the ERC's bound).
    int128 public constant MAX_ABS_VALUE = 1e38;
    /// @notice Largest `valueDecimals` accepted.
    uint8 public constant MAX_VALUE_DECIMALS = 18;

    /// @dev keccak256("") — the tag filter that matches any tag.
    bytes32 private constant ANY_TAG = keccak256("");

    /// @dev Tags too long to fit in their entry's word.
    struct LongTags {
        string tag1;
        string tag2;
    }

    IIdentityRegistry private immutable _identity;

    /// @dev One word per entry ({FeedbackEntry}): value, decimals, revoked and, when short, the tags.
    mapping(uint256 agentId => mapping(address client => mapping(uint64 feedbackIndex => FeedbackEntry))) private
        _feedback;
    /// @dev The tags of the entries whose tags are too long to be inline.
    mapping(uint256 agentId => mapping(address client => mapping(uint64 feedbackIndex => LongTags))) private _longTags;
    /// @dev Also the client's entry count; 0 means the client never rated the agent.
    mapping(uint256 agentId => mapping(address client => uint64)) private _lastIndex;
    mapping(uint256 agentId => address[]) private _clients;
    mapping(uint256 agentId => mapping(address client => mapping(uint64 feedbackIndex => address[]))) private
        _responders;
    /// @dev 0 means the responder never answered this entry (so it is not yet in `_responders`).
    mapping(
        uint256 agentId
            => mapping(address client => mapping(uint64 feedbackIndex => mapping(address responder => uint64)))
    ) private _responseCounts;

    constructor(IIdentityRegistry identity) {
        _identity = identity;
    }

    /// @inheritdoc IReputationRegistry
    function getIdentityRegistry() external view returns (address) {
        return address(_identity);
    }

    // ---------------------------------------------------------------- writes

    /// @inheritdoc IReputationRegistry
    function giveFeedback(
        uint256 agentId,
        int128 value,
        uint8 valueDecimals,
        string calldata tag1,
        string calldata tag2,
        string calldata endpoint,
        string calldata feedbackURI,
        bytes32 feedbackHash
    ) external {
        if (valueDecimals > MAX_VALUE_DECIMALS) revert InvalidValueDecimals(valueDecimals);
        if (value > MAX_ABS_VALUE || value < -MAX_ABS_VALUE) revert FeedbackValueOutOfRange(value);
        if (!_identity.exists(agentId)) revert AgentNotFound(agentId);
        if (_identity.isAuthorized(msg.sender, agentId)) revert SelfFeedback(agentId, msg.sender);

        uint64 index = ++_lastIndex[agentId][msg.sender];
        if (index == 1) _clients[agentId].push(msg.sender);
        FeedbackEntry entry = FeedbackEntryLib.create(value, valueDecimals, bytes(tag1), bytes(tag2));
        _feedback[agentId][msg.sender][index] = entry;
        if (entry.isLong()) _longTags[agentId][msg.sender][index] = LongTags(tag1, tag2);

        emit NewFeedback(
            agentId, msg.sender, index, value, valueDecimals, tag1, tag1, tag2, endpoint, feedbackURI, feedbackHash
        );
    }

    /// @inheritdoc IReputationRegistry
    function revokeFeedback(uint256 agentId, uint64 feedbackIndex) external {
        FeedbackEntry entry = _existingFeedback(agentId, msg.sender, feedbackIndex);
        if (entry.isRevoked()) revert FeedbackAlreadyRevoked(agentId, msg.sender, feedbackIndex);
        _feedback[agentId][msg.sender][feedbackIndex] = entry.revoked();
        emit FeedbackRevoked(agentId, msg.sender, feedbackIndex);
    }

    /// @inheritdoc IReputationRegistry
    function appendResponse(
        uint256 agentId,
        address clientAddress,
        uint64 feedbackIndex,
        string calldata responseURI,
        bytes32 responseHash
    ) external {
        _existingFeedback(agentId, clientAddress, feedbackIndex);
        if (bytes(responseURI).length == 0) revert EmptyResponseURI();
        mapping(address responder => uint64) storage counts = _responseCounts[agentId][clientAddress][feedbackIndex];
        uint64 count = counts[msg.sender];
        if (count == 0) _responders[agentId][clientAddress][feedbackIndex].push(msg.sender);
        counts[msg.sender] = count + 1;
        emit ResponseAppended(agentId, clientAddress, feedbackIndex, msg.sender, responseURI, responseHash);
    }

    // ---------------------------------------------------------------- reads

    /// @inheritdoc IReputationRegistry
    function getSummary(uint256 agentId, address[] calldata clientAddresses, string calldata tag1, string calldata tag2)
        external
        view
        returns (uint64 count, int128 summaryValue, uint8 summaryValueDecimals)
    {
        if (clientAddresses.length == 0) revert ClientAddressesRequired();
        address[] memory clients = _unique(clientAddresses);
        bytes32 tag1Hash = keccak256(bytes(tag1));
        bytes32 tag2Hash = keccak256(bytes(tag2));

        // Exact sum at 18 decimals: each term is at most 1e38 * 1e18 = 1e56 in magnitude and there
        // are fewer than 2^64 terms, so |sum| < 2^64 * 1e56 < 2^255 and checked math never trips.
        int256 sum;
        uint8 maxDecimals;
        for (uint256 i; i < clients.length; ++i) {
            uint64 last = _lastIndex[agentId][clients[i]];
            for (uint64 j = 1; j <= last; ++j) {
                FeedbackEntry entry = _feedback[agentId][clients[i]][j];
                if (!_matches(agentId, clients[i], j, entry, tag1Hash, tag2Hash, false)) continue;
                uint8 decimals = entry.decimals();
                sum += int256(entry.value()) * int256(10 ** (MAX_VALUE_DECIMALS - decimals));
                if (decimals > maxDecimals) maxDecimals = decimals;
                ++count;
            }
        }
        if (count == 0) return (0, 0, 0);

        // One rounding (toward zero) at the finest precision that fits in int128.
        for (summaryValueDecimals = maxDecimals;; --summaryValueDecimals) {
            int256 mean = sum / (int256(uint256(count)) * int256(10 ** (MAX_VALUE_DECIMALS - summaryValueDecimals)));
            if (mean >= type(int128).min && mean <= type(int128).max) return (count, int128(mean), summaryValueDecimals);
        }
    }

    /// @inheritdoc IReputationRegistry
    function readFeedback(uint256 agentId, address clientAddress, uint64 feedbackIndex)
        external
        view
        returns (int128 value, uint8 valueDecimals, string memory tag1, string memory tag2, bool isRevoked)
    {
        FeedbackEntry entry = _existingFeedback(agentId, clientAddress, feedbackIndex);
        (tag1, tag2) = _tagsOf(agentId, clientAddress, feedbackIndex, entry);
        return (entry.value(), entry.decimals(), tag1, tag2, entry.isRevoked());
    }

    /// @inheritdoc IReputationRegistry
    function readAllFeedback(
        uint256 agentId,
        address[] calldata clientAddresses,
        string calldata tag1,
        string calldata tag2,
        bool includeRevoked
    )
        external
        view
        returns (
            address[] memory clients,
            uint64[] memory feedbackIndexes,
            int128[] memory values,
            uint8[] memory valueDecimals,
            string[] memory tag1s,
            string[] memory tag2s,
            bool[] memory revokedStatuses
        )
    {
        address[] memory list = clientAddresses.length == 0 ? _clients[agentId] : _unique(clientAddresses);
        bytes32 tag1Hash = keccak256(bytes(tag1));
        bytes32 tag2Hash = keccak256(bytes(tag2));

        uint256 total = _countMatches(agentId, list, tag1Hash, tag2Hash, includeRevoked);

        clients = new address[](total);
        feedbackIndexes = new uint64[](total);
        values = new int128[](total);
        valueDecimals = new uint8[](total);
        tag1s = new string[](total);
        tag2s = new string[](total);
        revokedStatuses = new bool[](total);

        uint256 k;
        for (uint256 i; i < list.length; ++i) {
            uint64 last = _lastIndex[agentId][list[i]];
            for (uint64 j = 1; j <= last; ++j) {
                FeedbackEntry entry = _feedback[agentId][list[i]][j];
                if (!_matches(agentId, list[i], j, entry, tag1Hash, tag2Hash, includeRevoked)) continue;
                clients[k] = list[i];
                feedbackIndexes[k] = j;
                values[k] = entry.value();
                valueDecimals[k] = entry.decimals();
                (tag1s[k], tag2s[k]) = _tagsOf(agentId, list[i], j, entry);
                revokedStatuses[k] = entry.isRevoked();
                ++k;
            }
        }
    }

    /// @inheritdoc IReputationRegistry
    function getResponseCount(uint256 agentId, address clientAddress, uint64 feedbackIndex, address[] calldata responders)
        external
        view
        returns (uint64 count)
    {
        if (clientAddress == address(0)) {
            address[] storage clients = _clients[agentId];
            for (uint256 i; i < clients.length; ++i) {
                count += _responsesToClient(agentId, clients[i], responders);
            }
        } else if (feedbackIndex == 0) {
            count = _responsesToClient(agentId, clientAddress, responders);
        } else {
            count = _responsesToEntry(agentId, clientAddress, feedbackIndex, responders);
        }
    }

    /// @inheritdoc IReputationRegistry
    function getClients(uint256 agentId) external view returns (address[] memory) {
        return _clients[agentId];
    }

    /// @inheritdoc IReputationRegistry
    function getLastIndex(uint256 agentId, address clientAddress) external view returns (uint64) {
        return _lastIndex[agentId][clientAddress];
    }

    /// @inheritdoc IReputationRegistry
    function getClientsPage(uint256 agentId, uint256 offset, uint256 limit)
        external
        view
        returns (address[] memory clients, uint256 total)
    {
        address[] storage all = _clients[agentId];
        total = all.length;
        (uint256 start, uint256 end) = Paging.window(total, offset, limit);
        clients = new address[](end - start);
        for (uint256 i = start; i < end; ++i) {
            clients[i - start] = all[i];
        }
    }

    /// @inheritdoc IReputationRegistry
    function readFeedbackPage(uint256 agentId, address clientAddress, uint64 fromIndex, uint64 limit)
        external
        view
        returns (FeedbackRecord[] memory page, uint64 lastIndex)
    {
        lastIndex = _lastIndex[agentId][clientAddress];
        // Entries are 1-based: entry i is position i - 1 of the client's list.
        uint256 offset = fromIndex == 0 ? 0 : fromIndex - 1;
        (uint256 start, uint256 end) = Paging.window(lastIndex, offset, limit);
        page = new FeedbackRecord[](end - start);
        for (uint256 i = start; i < end; ++i) {
            // i < lastIndex <= type(uint64).max, so i + 1 fits in uint64.
            uint64 index = uint64(i + 1);
            FeedbackEntry entry = _feedback[agentId][clientAddress][index];
            (string memory tag1, string memory tag2) = _tagsOf(agentId, clientAddress, index, entry);
            page[i - start] = FeedbackRecord({
                client: clientAddress,
                feedbackIndex: index,
                value: entry.value(),
                valueDecimals: entry.decimals(),
                isRevoked: entry.isRevoked(),
                tag1: tag1,
                tag2: tag2
            });
        }
    }

    // ---------------------------------------------------------------- internals

    /// @dev The entry, or a revert naming it when the index is 0 or past the client's last one.
    function _existingFeedback(uint256 agentId, address client, uint64 feedbackIndex)
        private
        view
        returns (FeedbackEntry)
    {
        if (feedbackIndex == 0 || feedbackIndex > _lastIndex[agentId][client]) {
            revert FeedbackNotFound(agentId, client, feedbackIndex);
        }
        return _feedback[agentId][client][feedbackIndex];
    }

    /// @dev The entry's tags: inline, or decoded from beside it.
    function _tagsOf(uint256 agentId, address client, uint64 feedbackIndex, FeedbackEntry entry)
        private
        view
        returns (string memory tag1, string memory tag2)
    {
        if (!entry.isLong()) return entry.inlineTags();
        LongTags storage tags = _longTags[agentId][client][feedbackIndex];
        return (tags.tag1, tags.tag2);
    }

    /// @dev Whether the entry passes the filter (`ANY_TAG` matches any tag).
    function _matches(
        uint256 agentId,
        address client,
        uint64 feedbackIndex,
        FeedbackEntry entry,
        bytes32 tag1Hash,
        bytes32 tag2Hash,
        bool includeRevoked
    ) private view returns (bool) {
        if (entry.isRevoked() && !includeRevoked) return false;
        if (tag1Hash == ANY_TAG && tag2Hash == ANY_TAG) return true;
        (string memory tag1, string memory tag2) = _tagsOf(agentId, client, feedbackIndex, entry);
        if (tag1Hash != ANY_TAG && tag1Hash != keccak256(bytes(tag1))) return false;
        if (tag2Hash != ANY_TAG && tag2Hash != keccak256(bytes(tag2))) return false;
        return true;
    }

    /// @dev How many of the clients' entries match the filter.
    function _countMatches(
        uint256 agentId,
        address[] memory clients,
        bytes32 tag1Hash,
        bytes32 tag2Hash,
        bool includeRevoked
    ) private view returns (uint256 total) {
        for (uint256 i; i < clients.length; ++i) {
            uint64 last = _lastIndex[agentId][clients[i]];
            for (uint64 j = 1; j <= last; ++j) {
                FeedbackEntry entry = _feedback[agentId][clients[i]][j];
                if (_matches(agentId, clients[i], j, entry, tag1Hash, tag2Hash, includeRevoked)) ++total;
            }
        }
    }

    /// @dev The list without repeats, first occurrences kept in order. Quadratic, for the short
    /// filter lists callers pass.
    function _unique(address[] calldata list) private pure returns (address[] memory out) {
        out = new address[](list.length);
        uint256 n;
        for (uint256 i; i < list.length; ++i) {
            bool seen;
            for (uint256 j; j < n; ++j) {
                if (out[j] == list[i]) {
                    seen = true;
                    break;
                }
            }
            if (!seen) {
                out[n] = list[i];
                ++n;
            }
        }
        // Shrink the array in place to the n unique entries (n <= list.length, memory already owned).
        // solhint: Solidity cannot shorten a memory array
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(out, n)
        }
    }

    function _responsesToClient(uint256 agentId, address client, address[] calldata responders)
        private
        view
        returns (uint64 count)
    {
        uint64 last = _lastIndex[agentId][client];
        for (uint64 j = 1; j <= last; ++j) {
            count += _responsesToEntry(agentId, client, j, responders);
        }
    }

    function _responsesToEntry(uint256 agentId, address client, uint64 feedbackIndex, address[] calldata responders)
        private
        view
        returns (uint64 count)
    {
        mapping(address => uint64) storage counts = _responseCounts[agentId][client][feedbackIndex];
        if (responders.length == 0) {
            address[] storage all = _responders[agentId][client][feedbackIndex];
            for (uint256 k; k < all.length; ++k) {
                count += counts[all[k]];
            }
        } else {
            for (uint256 k; k < responders.length; ++k) {
                count += counts[responders[k]];
            }
        }
    }
}
