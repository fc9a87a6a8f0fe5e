// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {WeightTree} from "../../../contracts/libraries/WeightTree.sol";
import {Test} from "../../utils/Test.sol";

/// @notice The library over one storage tree, plus a plain array of weights as the reference.
contract WeightTreeHarness {
    using WeightTree for WeightTree.Tree;

    WeightTree.Tree internal tree;
    uint256[] public refWeights; // by leaf index; vacant leaves weigh 0
    bool[] public live;
    uint256 public liveCount;

    function insert(uint64 weight) external returns (uint256 leaf) {
        leaf = tree.insert(weight);
        if (leaf == refWeights.length) {
            refWeights.push(weight);
            live.push(true);
        } else {
            refWeights[leaf] = weight;
            live[leaf] = true;
        }
        ++liveCount;
    }

    function remove(uint256 leaf) external {
        tree.remove(leaf);
        refWeights[leaf] = 0;
        live[leaf] = false;
        --liveCount;
    }

    function set(uint256 leaf, uint64 weight) external {
        tree.set(leaf, weight);
        refWeights[leaf] = weight;
    }

    function total() external view returns (uint256) {
        return tree.total();
    }

    function weightOf(uint256 leaf) external view returns (uint64) {
        return tree.weightOf(leaf);
    }

    function draw(uint256 random) external view returns (uint256) {
        return tree.draw(random);
    }

    function drawExcluding(uint256 random, uint256[] calldata excluded) external view returns (uint256) {
        return tree.drawExcluding(random, excluded);
    }

    function leaves() external view returns (uint256) {
        return refWeights.length;
    }

    function refTotal() public view returns (uint256 sum) {
        for (uint256 i; i < refWeights.length; ++i) {
            sum += refWeights[i];
        }
    }

    /// @dev The reference draw: walk the leaves in order, subtracting weights.
    function refDraw(uint256 random) external view returns (uint256 leaf) {
        uint256 point = random % refTotal();
        while (point >= refWeights[leaf]) {
            point -= refWeights[leaf];
            ++leaf;
        }
    }
}

contract WeightTreeTest is Test {
    WeightTreeHarness internal h;

    function setUp() public {
        h = new WeightTreeHarness();
    }

    /// @dev Random operations (inserts growing the tree through several levels, removals, updates)
    /// against the reference array: every weight, the total and the draw agree after each step.
    function testFuzz_operations_matchReference(uint256 seed) public {
        for (uint256 step; step < 120; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 op = r % 10;
            uint256 n = h.leaves();
            if (n == 0 || op < 5) {
                h.insert(uint64(r >> 8) % 1e12);
            } else if (op < 7 && h.liveCount() > 0) {
                uint256 leaf = (r >> 64) % n;
                if (h.live(leaf)) h.remove(leaf);
            } else {
                uint256 leaf = (r >> 64) % n;
                if (h.live(leaf)) h.set(leaf, uint64(r >> 128) % 1e12);
            }
        }
        uint256 leaves = h.leaves();
        for (uint256 i; i < leaves; ++i) {
            assertEq(h.weightOf(i), h.refWeights(i), "leaf weight");
        }
        assertEq(h.total(), h.refTotal(), "total");
        if (h.total() > 0) {
            for (uint256 k; k < 16; ++k) {
                uint256 random = uint256(keccak256(abi.encode(seed, "draw", k)));
                assertEq(h.draw(random), h.refDraw(random), "draw");
            }
        }
    }

    function test_insert_reusesVacatedLeavesFirst() public {
        for (uint256 i; i < 5; ++i) {
            h.insert(10);
        }
        h.remove(1);
        h.remove(3);
        assertEq(h.insert(7), 3, "last vacated first");
        assertEq(h.insert(7), 1, "then the one before");
        assertEq(h.insert(7), 5, "then a new leaf");
        assertEq(h.total(), 10 * 3 + 7 * 3, "total");
    }

    function test_draw_neverPicksZeroWeight() public {
        h.insert(0);
        h.insert(5);
        h.insert(0);
        h.insert(0);
        h.insert(3);
        for (uint256 k; k < 64; ++k) {
            uint256 leaf = h.draw(uint256(keccak256(abi.encode(k))));
            assertTrue(leaf == 1 || leaf == 4, "zero-weight leaf drawn");
        }
    }

    function test_draw_revertsOnEmptyTree() public {
        h.insert(0);
        vm.expectRevert(WeightTree.EmptyTree.selector);
        h.draw(1);
    }

    function test_set_revertsPastTheLaneCapacity() public {
        h.insert(type(uint64).max);
        h.insert(0);
        h.insert(0);
        h.insert(0); // grows a level: leaves 0-3 now share a lane of the root
        vm.expectRevert(abi.encodeWithSelector(WeightTree.WeightOverflow.selector, 3));
        h.set(3, 1);
    }

    /**
     * @dev Fairness: 2,400 draws with independent seeds through the library's draw, over 40 members
     * with unequal weights (a three-level tree). Each member's win count must stay within 4 standard
     * deviations of its stake-proportional expectation: (wins - n p)^2 <= 16 n p (1 - p), checked in
     * integers as (wins W - n w)^2 <= 16 n w (W - w).
     */
    function test_draw_isStakeProportional() public {
        uint256 members = 40;
        for (uint256 i; i < members; ++i) {
            h.insert(uint64(1 + (i * i) % 97) * 1e9);
        }
        _checkFairness(members, new uint256[](0));
    }

    /// @dev The same bound for a failover redraw: excluded members never win, the rest stay proportional.
    function test_drawExcluding_isStakeProportionalAmongTheRest() public {
        uint256 members = 40;
        for (uint256 i; i < members; ++i) {
            h.insert(uint64(1 + (i * i) % 97) * 1e9);
        }
        uint256[] memory excluded = new uint256[](3);
        excluded[0] = 7; // among the heaviest
        excluded[1] = 0;
        excluded[2] = 39;
        _checkFairness(members, excluded);
    }

    function test_drawExcluding_returnsNoneWhenEverythingIsExcluded() public {
        h.insert(5);
        h.insert(0);
        uint256[] memory excluded = new uint256[](1);
        excluded[0] = 0;
        assertEq(h.drawExcluding(123, excluded), WeightTree.NO_LEAF, "none");
    }

    function _checkFairness(uint256 members, uint256[] memory excluded) private view {
        uint256 draws = 2_400;
        uint256[] memory wins = new uint256[](members);
        for (uint256 k; k < draws; ++k) {
            uint256 random = uint256(keccak256(abi.encode("fairness", k)));
            uint256 leaf = excluded.length == 0 ? h.draw(random) : h.drawExcluding(random, excluded);
            ++wins[leaf];
        }
        uint256 total;
        for (uint256 i; i < members; ++i) {
            if (!_isExcluded(i, excluded)) total += h.weightOf(i);
        }
        for (uint256 i; i < members; ++i) {
            if (_isExcluded(i, excluded)) {
                assertEq(wins[i], 0, "excluded member won");
                continue;
            }
            uint256 w = h.weightOf(i);
            uint256 observed = wins[i] * total;
            uint256 expected = draws * w;
            uint256 diff = observed > expected ? observed - expected : expected - observed;
            // diff^2 <= 16 n w (W - w), compared through square roots to stay far from overflow.
            uint256 bound = 4 * Math.sqrt(draws * w) * Math.sqrt(total - w) + total;
            assertTrue(diff <= bound, "win count more than 4 standard deviations from proportional");
        }
    }

    function _isExcluded(uint256 leaf, uint256[] memory excluded) private pure returns (bool) {
        for (uint256 i; i < excluded.length; ++i) {
            if (excluded[i] == leaf) return true;
        }
        return false;
    }
}

/// @notice Invariant: after any sequence of inserts, removals and updates, the root holds the sum
/// of the leaf weights and every leaf the weight last set.
contract WeightTreeInvariantTest is Test {
    WeightTreeHarness internal h;
    WeightTreeHandler internal handler;

    function setUp() public {
        h = new WeightTreeHarness();
        handler = new WeightTreeHandler(h);
        targetContract(address(handler));
    }

    function invariant_rootEqualsSumOfWeights() public view {
        assertEq(h.total(), h.refTotal(), "root != sum of leaf weights");
    }

    function invariant_leavesHoldTheirWeights() public view {
        uint256 leaves = h.leaves();
        for (uint256 i; i < leaves; ++i) {
            assertEq(h.weightOf(i), h.refWeights(i), "leaf weight");
        }
    }
}

/// @notice The narrow set of actions the invariant fuzzer may take on the tree.
contract WeightTreeHandler {
    WeightTreeHarness internal immutable h;

    constructor(WeightTreeHarness harness) {
        h = harness;
    }

    function insert(uint64 weight) external {
        if (h.leaves() < 200) h.insert(weight % 1e15);
    }

    function remove(uint256 leafSeed) external {
        uint256 n = h.leaves();
        if (n == 0) return;
        uint256 leaf = leafSeed % n;
        if (h.live(leaf)) h.remove(leaf);
    }

    function set(uint256 leafSeed, uint64 weight) external {
        uint256 n = h.leaves();
        if (n == 0) return;
        uint256 leaf = leafSeed % n;
        if (h.live(leaf)) h.set(leaf, weight % 1e15);
    }
}
