// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @notice One feedback entry in one storage word, so that a rating with short tags (TaskBoard's
 * "task" with "accepted", "rejected" or "abandoned", and most others) costs one fresh slot:
 *
 * ```
 *   | 104 tag bytes (tag1 then tag2) | 7 unused | 5 len2 | 5 len1 | 1 long | 1 revoked | 5 decimals | 128 value |
 * ```
 *
 * `value` is the int128 in two's complement. Tags whose lengths add up to at most 13 bytes are
 * inline (`long` clear); longer ones are stored beside the entry (`long` set, lengths 0).
 */
type FeedbackEntry is uint256;

using FeedbackEntryLib for FeedbackEntry global;

/// @title FeedbackEntryLib
/// @notice Accessors of {FeedbackEntry}.
library FeedbackEntryLib {
    /// @notice Most tag bytes (both tags together) kept inline.
    uint256 internal constant INLINE_TAG_BYTES = 13;

    uint256 private constant VALUE_MASK = (1 << 128) - 1;
    uint256 private constant DECIMALS_SHIFT = 128;
    uint256 private constant REVOKED_BIT = 1 << 133;
    uint256 private constant LONG_BIT = 1 << 134;
    uint256 private constant LEN1_SHIFT = 135;
    uint256 private constant LEN2_SHIFT = 140;
    uint256 private constant LEN_MASK = 0x1f;
    uint256 private constant TAGS_SHIFT = 152;

    /**
     * @notice A new entry.
     * @param value_ The value (|value| <= 1e38 < 2^127).
     * @param decimals_ Its decimals (at most 18 < 2^5).
     * @param tag1 The first tag.
     * @param tag2 The second tag.
     * @return entry The entry; `long` is set when the tags do not fit inline (store them beside it).
     */
    function create(int128 value_, uint8 decimals_, bytes calldata tag1, bytes calldata tag2)
        internal
        pure
        returns (FeedbackEntry entry)
    {
        uint256 word = uint256(uint128(value_)) | (uint256(decimals_) << DECIMALS_SHIFT);
        uint256 n1 = tag1.length;
        uint256 n2 = tag2.length;
        if (n1 + n2 > INLINE_TAG_BYTES) return FeedbackEntry.wrap(word | LONG_BIT);
        // Both tags left-aligned in the top 13 bytes: tag1, then tag2 right after it. Each fits 13
        // bytes, so the shifted words lose only bytes past the tags.
        uint256 tags = (uint256(bytes32(tag1)) >> 152 << 152) | ((uint256(bytes32(tag2)) >> 152 << 152) >> (8 * n1));
        return FeedbackEntry.wrap(word | (n1 << LEN1_SHIFT) | (n2 << LEN2_SHIFT) | (tags >> TAGS_SHIFT << TAGS_SHIFT));
    }

    /**
     * @notice The value.
     * @param self The entry.
     * @return The value.
     */
    function value(FeedbackEntry self) internal pure returns (int128) {
        return int128(uint128(FeedbackEntry.unwrap(self) & VALUE_MASK));
    }

    /**
     * @notice The value's decimals.
     * @param self The entry.
     * @return The decimals.
     */
    function decimals(FeedbackEntry self) internal pure returns (uint8) {
        return uint8((FeedbackEntry.unwrap(self) >> DECIMALS_SHIFT) & LEN_MASK);
    }

    /**
     * @notice Whether the client revoked the entry.
     * @param self The entry.
     * @return True if revoked.
     */
    function isRevoked(FeedbackEntry self) internal pure returns (bool) {
        return FeedbackEntry.unwrap(self) & REVOKED_BIT != 0;
    }

    /**
     * @notice The entry, revoked.
     * @param self The entry.
     * @return The entry with `revoked` set.
     */
    function revoked(FeedbackEntry self) internal pure returns (FeedbackEntry) {
        return FeedbackEntry.wrap(FeedbackEntry.unwrap(self) | REVOKED_BIT);
    }

    /**
     * @notice Whether the tags are stored beside the entry rather than inline.
     * @param self The entry.
     * @return True if stored beside it.
     */
    function isLong(FeedbackEntry self) internal pure returns (bool) {
        return FeedbackEntry.unwrap(self) & LONG_BIT != 0;
    }

    /**
     * @notice The inline tags (empty for a long entry).
     * @param self The entry.
     * @return tag1 The first tag.
     * @return tag2 The second tag.
     */
    function inlineTags(FeedbackEntry self) internal pure returns (string memory tag1, string memory tag2) {
        uint256 word = FeedbackEntry.unwrap(self);
        uint256 n1 = (word >> LEN1_SHIFT) & LEN_MASK;
        uint256 n2 = (word >> LEN2_SHIFT) & LEN_MASK;
        bytes32 tags = bytes32(word >> TAGS_SHIFT << TAGS_SHIFT);
        tag1 = string(_prefix(tags, n1));
        tag2 = string(_prefix(tags << (8 * n1), n2));
    }

    /// @dev The first `n` bytes of `word`.
    function _prefix(bytes32 word, uint256 n) private pure returns (bytes memory out) {
        out = new bytes(n);
        for (uint256 i; i < n; ++i) {
            out[i] = word[i];
        }
    }
}
