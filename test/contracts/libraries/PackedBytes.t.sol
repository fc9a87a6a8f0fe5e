// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PackedBytes} from "../../../contracts/libraries/PackedBytes.sol";
import {Test} from "../../utils/Test.sol";

/// @notice One PackedBytes value at storage slot 0, with a check of what `load` leaves in memory.
contract PackedBytesHarness {
    using PackedBytes for PackedBytes.Bytes;

    PackedBytes.Bytes internal value; // slot 0

    function store(bytes calldata data) external {
        value.store(data);
    }

    function load() external view returns (bytes memory) {
        return value.load();
    }

    /// @dev Dirties the free memory (as earlier code may), loads, then reports whether the word after
    /// the value's last byte is zero and whether the free memory pointer leaves that word reserved.
    function loadIsClean() external view returns (bool tailZero, bool reserved) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            for { let i := 0 } lt(i, 16) { i := add(i, 1) } { mstore(add(p, shl(5, i)), not(0)) }
        }
        bytes memory data = value.load();
        assembly ("memory-safe") {
            let end := add(add(data, 0x20), mload(data))
            tailZero := iszero(mload(end))
            reserved := iszero(lt(mload(0x40), add(end, 0x20)))
        }
    }
}

/// @notice What PackedBytes writes to storage and memory: no byte past the value, ever.
contract PackedBytesTest is Test {
    PackedBytesHarness internal h;

    function setUp() public {
        h = new PackedBytesHarness();
    }

    function _dataSlot() internal pure returns (bytes32) {
        return keccak256(abi.encode(uint256(0)));
    }

    /// @dev Calls store() with calldata whose bytes after the value are 0xff instead of ABI zero padding.
    function _storeWithDirtyPadding(bytes memory data) internal {
        bytes memory padding = new bytes(64);
        for (uint256 i; i < 64; ++i) {
            padding[i] = 0xff;
        }
        (bool ok,) = address(h).call(
            abi.encodePacked(PackedBytesHarness.store.selector, uint256(0x20), data.length, data, padding)
        );
        assertTrue(ok, "store call failed");
    }

    function testFuzz_store_masksBytesPastTheValue(uint8 rawLength) public {
        uint256 n = bound(rawLength, 1, 120);
        bytes memory data = new bytes(n);
        for (uint256 i; i < n; ++i) {
            data[i] = bytes1(uint8(i + 1));
        }
        _storeWithDirtyPadding(data);
        assertEq(h.load(), data, "round trip");

        bytes32 head = vm.load(address(h), bytes32(0));
        assertEq(uint256(head) & 0xffffffff, n, "length field");
        if (n < 28) {
            // Between the value and the length field: zeros only.
            uint256 gap = uint256(head) << (8 * n) >> (8 * n + 32);
            assertEq(gap, 0, "head holds bytes past the value");
        } else if (n > 28 && (n - 28) % 32 != 0) {
            uint256 lastSlot = (n - 28) / 32;
            uint256 used = (n - 28) % 32;
            bytes32 tail = vm.load(address(h), bytes32(uint256(_dataSlot()) + lastSlot));
            assertEq(uint256(tail) << (8 * used), 0, "tail slot holds bytes past the value");
        }
    }

    function test_load_clearsStaleBytesOfALongerOldValue() public {
        bytes memory long = new bytes(120);
        for (uint256 i; i < 120; ++i) {
            long[i] = 0xaa;
        }
        h.store(long);
        bytes memory short = hex"0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021";
        h.store(short); // 33 bytes: its tail slot still holds 0xaa after byte 5
        assertEq(h.load(), short, "round trip");
        (bool tailZero, bool reserved) = h.loadIsClean();
        assertTrue(tailZero, "memory after the value is not zero");
        assertTrue(reserved, "free memory pointer inside the value's last word");
    }
}
