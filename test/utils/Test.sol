// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The few Hardhat/Foundry cheatcodes these tests use (forge-std cannot be fetched here).
interface Vm {
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function warp(uint256 timestamp) external;
    function assume(bool condition) external;
    function expectRevert(bytes calldata revertData) external;
    function expectRevert(bytes4 selector) external;
    function addr(uint256 privateKey) external returns (address);
    function sign(uint256 privateKey, bytes32 digest) external returns (uint8 v, bytes32 r, bytes32 s);
    function label(address account, string calldata newLabel) external;
    function roll(uint256 blockNumber) external;
    function load(address target, bytes32 slot) external view returns (bytes32);
    function store(address target, bytes32 slot, bytes32 value) external;
    function deal(address account, uint256 newBalance) external;
}

/// @notice Minimal test base: cheatcodes, assertions that revert with the values that differ,
/// bounded fuzz inputs, and the invariant runner's target list.
abstract contract Test {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    address[] private _targets;

    /// @dev Restricts invariant fuzzing to `target` (the runner reads {targetContracts}).
    function targetContract(address target) internal {
        _targets.push(target);
    }

    /// @notice The contracts the invariant runner calls.
    function targetContracts() public view returns (address[] memory) {
        return _targets;
    }

    error AssertionFailed(string what);
    error NotEqualUint(string what, uint256 actual, uint256 expected);
    error NotEqualInt(string what, int256 actual, int256 expected);
    error NotEqualBytes(string what, bytes actual, bytes expected);
    error NotEqualAddress(string what, address actual, address expected);

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert AssertionFailed(what);
    }

    function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert NotEqualUint(what, actual, expected);
    }

    function assertEq(int256 actual, int256 expected, string memory what) internal pure {
        if (actual != expected) revert NotEqualInt(what, actual, expected);
    }

    function assertEq(address actual, address expected, string memory what) internal pure {
        if (actual != expected) revert NotEqualAddress(what, actual, expected);
    }

    function assertEq(bytes memory actual, bytes memory expected, string memory what) internal pure {
        if (keccak256(actual) != keccak256(expected)) revert NotEqualBytes(what, actual, expected);
    }

    /// @dev Maps `x` into [lo, hi] (inclusive) without skewing small ranges much.
    function bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        if (lo > hi) revert AssertionFailed("bound: lo > hi");
        if (hi - lo == type(uint256).max) return x;
        return lo + x % (hi - lo + 1);
    }

    function boundInt(int256 x, int256 lo, int256 hi) internal pure returns (int256) {
        // Shift into unsigned space, bound, shift back; spans fit because lo <= hi.
        uint256 span = uint256(hi - lo);
        return lo + int256(bound(uint256(x) , 0, span));
    }
}
