// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IdentityRegistry} from "../../../contracts/identity/IdentityRegistry.sol";
import {IReputationRegistry} from "../../../contracts/interfaces/IReputationRegistry.sol";
import {ReputationRegistry} from "../../../contracts/reputation/ReputationRegistry.sol";
import {Test} from "../../utils/Test.sol";

/// @notice Fuzz: feedback aggregation against an independent reference.
contract ReputationRegistryFuzzTest is Test {
    int256 internal constant MAX_ABS = 1e38;
    uint256 internal constant CLIENTS = 3;

    IdentityRegistry internal identity;
    ReputationRegistry internal reputation;
    uint256 internal agentId;

    function setUp() public {
        identity = new IdentityRegistry();
        reputation = new ReputationRegistry(identity);
        vm.prank(address(0xA11CE));
        agentId = identity.register("ipfs://agent");
    }

    function _client(uint256 i) internal pure returns (address) {
        return address(uint160(0xC000 + i % CLIENTS));
    }

    /**
     * @dev The reference works at the entries' largest decimals D instead of the registry's fixed
     * 18: T = sum(value_i * 10^(D - d_i)), mean at d decimals = trunc(T / (n * 10^(D - d))), taking
     * the largest d <= D whose mean fits in int128.
     */
    function _reference(int256[] memory values, uint8[] memory decimals)
        internal
        pure
        returns (uint64 count, int128 mean, uint8 meanDecimals)
    {
        uint256 n = values.length;
        if (n == 0) return (0, 0, 0);
        uint8 maxD;
        for (uint256 i; i < n; ++i) {
            if (decimals[i] > maxD) maxD = decimals[i];
        }
        int256 total;
        for (uint256 i; i < n; ++i) {
            total += values[i] * int256(10 ** (maxD - decimals[i]));
        }
        for (uint8 d = maxD;; --d) {
            int256 q = total / (int256(n) * int256(10 ** (maxD - d)));
            if (q >= type(int128).min && q <= type(int128).max) return (uint64(n), int128(q), d);
        }
    }

    function testFuzz_getSummary_matchesReference(int128[8] calldata rawValues, uint8[8] calldata rawDecimals, uint8 rawN)
        public
    {
        uint256 n = bound(rawN, 1, 8);
        int256[] memory values = new int256[](n);
        uint8[] memory decimals = new uint8[](n);
        for (uint256 i; i < n; ++i) {
            values[i] = boundInt(rawValues[i], -MAX_ABS, MAX_ABS);
            decimals[i] = uint8(bound(rawDecimals[i], 0, 18));
            vm.prank(_client(i));
            reputation.giveFeedback(agentId, int128(values[i]), decimals[i], "", "", "", "", bytes32(0));
        }
        address[] memory clients = new address[](CLIENTS);
        for (uint256 i; i < CLIENTS; ++i) {
            clients[i] = _client(i);
        }
        (uint64 count, int128 value, uint8 valueDecimals) = reputation.getSummary(agentId, clients, "", "");
        (uint64 refCount, int128 refValue, uint8 refDecimals) = _reference(values, decimals);
        assertEq(count, refCount, "count");
        assertEq(value, refValue, "summaryValue");
        assertEq(valueDecimals, refDecimals, "summaryValueDecimals");
    }

    function testFuzz_getSummary_extremesNeverWrap(uint8 rawN, bool negative, uint8 rawDecimals) public {
        uint256 n = bound(rawN, 1, 40);
        uint8 d = uint8(bound(rawDecimals, 0, 18));
        int128 v = negative ? -int128(MAX_ABS) : int128(MAX_ABS);
        for (uint256 i; i < n; ++i) {
            vm.prank(_client(i));
            reputation.giveFeedback(agentId, v, d, "", "", "", "", bytes32(0));
        }
        address[] memory clients = new address[](CLIENTS);
        for (uint256 i; i < CLIENTS; ++i) {
            clients[i] = _client(i);
        }
        (uint64 count, int128 value, uint8 valueDecimals) = reputation.getSummary(agentId, clients, "", "");
        // The mean of n equal values is that value, at its own decimals.
        assertEq(count, n, "count");
        assertEq(value, v, "summaryValue");
        assertEq(valueDecimals, d, "summaryValueDecimals");
    }

    function testFuzz_giveFeedback_rejectsOutOfRange(int128 value, uint8 decimals) public {
        vm.assume(value > MAX_ABS || value < -MAX_ABS || decimals > 18);
        vm.prank(_client(0));
        if (decimals > 18) {
            vm.expectRevert(abi.encodeWithSelector(IReputationRegistry.InvalidValueDecimals.selector, decimals));
        } else {
            vm.expectRevert(abi.encodeWithSelector(IReputationRegistry.FeedbackValueOutOfRange.selector, value));
        }
        reputation.giveFeedback(agentId, value, decimals, "", "", "", "", bytes32(0));
    }
}
