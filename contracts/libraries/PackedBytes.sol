// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title PackedBytes
 * @notice Storage for byte strings that keeps the length in the same slot as the first 28 bytes.
 *
 * Solidity stores a string of 32 bytes or more as one length slot plus ceil(n / 32) data slots;
 * a 60-byte agent URI therefore costs three fresh slots (~66,000 gas). Here it costs two:
 *
 * ```
 *   head slot p:          | bytes [0, 28) left-aligned  (224) | length n (32) |
 *   keccak256(p) + i:     | bytes [28 + 32 i, 60 + 32 i)                (256) |   for 28 + 32 i < n
 * ```
 *
 * Values of up to 28 bytes use one slot, up to 60 bytes two, up to 92 three. Shrinking a value
 * leaves its old tail slots in place (they are never read past `n`, and a later longer write
 * overwrites them more cheaply than fresh slots). The head slot is zero for an empty value, so
 * an unset entry reads as empty.
 */
library PackedBytes {
    /// @dev A value's head slot. The struct only gives the slot a type; never read `head` directly.
    struct Bytes {
        uint256 head;
    }

    /// @dev Number of value bytes stored in the head slot next to the 4-byte length.
    uint256 private constant HEAD_BYTES = 28;
    /// @dev Mask of the length field in the head slot.
    uint256 private constant LENGTH_MASK = 0xffffffff;

    /// @notice Stores `value` (from calldata) in `self`, replacing any previous value.
    /// @param self The value's head slot.
    /// @param value The bytes to store.
    function store(Bytes storage self, bytes calldata value) internal {
        // n < 2^32 always: 4 GiB of calldata would cost over 17 billion gas, so the 32-bit length
        // field cannot be truncated.
        uint256 n = value.length;
        // solhint: word-level calldata and storage copies with a packed length
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // Head: the first min(n, 28) bytes, later bytes masked off (calldataload reads 32
            // bytes and may pick up whatever calldata follows the value), n in the low 4 bytes.
            let keep := n
            if gt(keep, HEAD_BYTES) { keep := HEAD_BYTES }
            // not(shr(8 * keep, ~0)) keeps the high `keep` bytes; keep <= 28 so the low 4 bytes are free.
            let headWord := and(calldataload(value.offset), not(shr(shl(3, keep), not(0))))
            sstore(self.slot, or(headWord, n))
            if gt(n, HEAD_BYTES) {
                // The tail lives at keccak256(p), like a dynamic array's data. Scratch space 0x00 is
                // free to use between statements.
                mstore(0x00, self.slot)
                let dataSlot := keccak256(0x00, 0x20)
                let src := add(value.offset, HEAD_BYTES)
                let end := add(value.offset, n)
                // Whole words while at least 32 bytes remain (src + 32 <= end).
                for {} iszero(gt(add(src, 0x20), end)) {} {
                    sstore(dataSlot, calldataload(src))
                    src := add(src, 0x20)
                    dataSlot := add(dataSlot, 1)
                }
                // A partial last word, masked to its `rest` high bytes so the slot holds no trailing junk.
                let rest := sub(end, src)
                if rest { sstore(dataSlot, and(calldataload(src), not(shr(shl(3, rest), not(0))))) }
            }
        }
    }

    /**
     * @notice Whether the stored value is empty (or was never set).
     * @param self The value's head slot.
     * @return True if empty.
     */
    function isEmpty(Bytes storage self) internal view returns (bool) {
        return self.head == 0;
    }

    /**
     * @notice Empties the value (its tail slots, never read past the length, stay in place).
     * @param self The value's head slot.
     */
    function clear(Bytes storage self) internal {
        self.head = 0;
    }

    /// @notice Returns the stored value as a freshly allocated `bytes`.
    /// @param self The value's head slot.
    /// @return value The stored bytes.
    function load(Bytes storage self) internal view returns (bytes memory value) {
        // solhint: word-level storage-to-memory copy with a packed length
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let headWord := sload(self.slot)
            let n := and(headWord, LENGTH_MASK)
            value := mload(0x40)
            mstore(value, n)
            let dst := add(value, 0x20)
            // Head bytes, with the length field zeroed (it is overwritten by the tail when n > 28).
            mstore(dst, and(headWord, not(LENGTH_MASK)))
            let end := add(dst, n)
            if gt(n, HEAD_BYTES) {
                mstore(0x00, self.slot)
                let dataSlot := keccak256(0x00, 0x20)
                for { let p := add(dst, HEAD_BYTES) } lt(p, end) { p := add(p, 0x20) } {
                    mstore(p, sload(dataSlot))
                    dataSlot := add(dataSlot, 1)
                }
            }
            // Clear whatever the last word copied past n (an old, longer value's bytes), then move
            // the free memory pointer past the cleared word, rounded up to a multiple of 32.
            mstore(end, 0)
            mstore(0x40, and(add(end, 0x3f), not(0x1f)))
        }
    }
}
