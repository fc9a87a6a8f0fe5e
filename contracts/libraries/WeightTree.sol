// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title WeightTree
 * @notice A 4-ary sum tree of 64-bit weights, four lanes per storage slot, for stake-weighted
 * draws in O(log4 n) slot reads and weight updates in O(log4 n) slot writes, never a loop over
 * members.
 *
 * Layout. Level 0 holds the leaves; every level-l node is one slot of four 64-bit lanes:
 *
 * ```
 *   node(l, j):  | lane 3 (64) | lane 2 (64) | lane 1 (64) | lane 0 (64) |
 *   level 0:     lane k of node(0, j) is the weight of leaf 4j + k
 *   level l > 0: lane k of node(l, j) is the sum of the four lanes of node(l - 1, 4j + k)
 *   root:        node(top, 0), kept under a fixed key so a draw finds it in one read; its lanes
 *                0-2 are children and its lane 3 is metadata:
 *                | 8 top | 56 unused | lane 2 | lane 1 | lane 0 |
 * ```
 *
 * Nodes below the root live under key `level << 32 | index`. Leaf i is lane `(i >> 2l) & 3` of
 * node(l, i >> 2(l + 1)) at every level. The root has three children, so the tree holds
 * `3 * 4^top` leaves; one more grows it by a level (the old root's lanes move under its level key
 * and become child 0 of the new root). Growth never moves any other node.
 *
 * Every lane is a sum of leaf weights, so every lane (and the total) is bounded by the sum of all
 * weights; additions are checked and revert with {WeightOverflow} past 2^64 - 1 per lane.
 */
library WeightTree {
    struct Tree {
        /// Leaves allocated so far (vacated ones included).
        uint32 size;
        /// Vacated leaves, reused before new ones are allocated.
        uint32[] vacant;
        /// The root under {ROOT_KEY}; node(level, index) under `level << 32 | index`.
        mapping(uint256 key => uint256 node) nodes;
    }

    /// @notice What {drawExcluding} returns when no leaf outside the excluded ones has weight.
    uint256 internal constant NO_LEAF = type(uint256).max;

    uint256 private constant ROOT_KEY = type(uint256).max;
    uint256 private constant LANE_MASK = 0xffffffffffffffff;
    uint256 private constant CHILDREN_MASK = (1 << 192) - 1;
    uint256 private constant TOP_SHIFT = 248;

    /**
     * @dev Thrown when a lane would exceed 2^64 - 1 (the group's total weight is too large).
     * @param leaf The leaf being updated.
     */
    error WeightOverflow(uint256 leaf);

    /// @dev Thrown when drawing from a tree whose total weight is zero.
    error EmptyTree();

    /// @notice Allocates a leaf (a vacated one first) with weight `weight`; returns its index.
    /// @param self The tree.
    /// @param weight Its weight.
    /// @return leaf The leaf's index.
    function insert(Tree storage self, uint64 weight) internal returns (uint256 leaf) {
        uint256 vacantCount = self.vacant.length;
        if (vacantCount != 0) {
            leaf = self.vacant[vacantCount - 1];
            self.vacant.pop();
        } else {
            leaf = self.size;
            uint256 root = self.nodes[ROOT_KEY];
            uint256 top = root >> TOP_SHIFT;
            // Capacity is 3 * 4^top leaves; the next leaf needs a new root level.
            if (leaf == 3 << (2 * top)) _grow(self, root, top);
            self.size = uint32(leaf + 1);
        }
        if (weight != 0) set(self, leaf, weight);
    }

    /// @notice Zeroes a leaf and queues it for reuse.
    /// @param self The tree.
    /// @param leaf The leaf.
    function remove(Tree storage self, uint256 leaf) internal {
        set(self, leaf, 0);
        self.vacant.push(uint32(leaf));
    }

    /**
     * @notice Sets leaf `leaf` to `weight`, updating every node on its path.
     * @return old The previous weight.
     * @param self The tree.
     * @param leaf The leaf.
     * @param weight Its new weight.
     */
    function set(Tree storage self, uint256 leaf, uint64 weight) internal returns (uint64 old) {
        mapping(uint256 => uint256) storage nodes = self.nodes;
        uint256 root = nodes[ROOT_KEY];
        uint256 top = root >> TOP_SHIFT;

        uint256 shift = (leaf & 3) << 6;
        uint256 key = top == 0 ? ROOT_KEY : leaf >> 2;
        uint256 node = top == 0 ? root : nodes[key];
        old = uint64(node >> shift);
        if (old == weight) return old;
        node = (node & ~(LANE_MASK << shift)) | (uint256(weight) << shift);
        if (top == 0) {
            nodes[ROOT_KEY] = node;
            return old;
        }
        nodes[key] = node;

        bool up = weight > old;
        uint256 delta = up ? weight - old : old - weight;
        for (uint256 level = 1; level <= top; ++level) {
            shift = ((leaf >> (2 * level)) & 3) << 6;
            if (level == top) {
                node = root;
                key = ROOT_KEY;
            } else {
                key = (level << 32) | (leaf >> (2 * level + 2));
                node = nodes[key];
            }
            uint256 lane = (node >> shift) & LANE_MASK;
            if (up) {
                lane += delta;
                if (lane > LANE_MASK) revert WeightOverflow(leaf);
            } else {
                // The lane is a sum that includes the old weight, so it is at least `delta`.
                lane -= delta;
            }
            node = (node & ~(LANE_MASK << shift)) | (lane << shift);
            nodes[key] = node;
        }
    }

    /// @notice Leaf `leaf`'s weight.
    /// @param self The tree.
    /// @param leaf The leaf.
    function weightOf(Tree storage self, uint256 leaf) internal view returns (uint64) {
        uint256 root = self.nodes[ROOT_KEY];
        uint256 node = root >> TOP_SHIFT == 0 ? root : self.nodes[leaf >> 2];
        return uint64(node >> ((leaf & 3) << 6));
    }

    /// @notice Sum of all weights.
    /// @param self The tree.
    function total(Tree storage self) internal view returns (uint256) {
        return _childrenSum(self.nodes[ROOT_KEY]);
    }

    /**
     * @notice The leaf owning point `random % total` of the cumulative weights: each leaf is drawn
     * with probability weight / total (the modulo bias is below 2^-192).
     * @dev Requirements: total > 0. Reads one slot per level.
     * @param self The tree.
     * @param random A uniformly random number.
     */
    function draw(Tree storage self, uint256 random) internal view returns (uint256) {
        uint256 root = self.nodes[ROOT_KEY];
        uint256 sum = _childrenSum(root);
        if (sum == 0) revert EmptyTree();
        return _descend(self, root, random % sum, new uint256[](0), new uint256[](0));
    }

    /**
     * @notice Like {draw}, over the tree with the leaves in `excluded` weighing zero: each other
     * leaf is drawn with probability weight / (total - excluded weight). Returns {NO_LEAF}
     * when nothing else has weight. Costs one slot read per level plus one per excluded leaf, and
     * O(levels * excluded) arithmetic; `excluded` must not repeat a leaf.
     * @param self The tree.
     * @param random A uniformly random number.
     * @param excluded Leaves that must not be drawn.
     */
    function drawExcluding(Tree storage self, uint256 random, uint256[] memory excluded)
        internal
        view
        returns (uint256)
    {
        uint256[] memory weights = new uint256[](excluded.length);
        uint256 excludedSum;
        for (uint256 i; i < excluded.length; ++i) {
            weights[i] = weightOf(self, excluded[i]);
            excludedSum += weights[i];
        }
        uint256 root = self.nodes[ROOT_KEY];
        // The excluded leaves are part of the total, so the subtraction cannot underflow.
        uint256 sum = _childrenSum(root) - excludedSum;
        if (sum == 0) return NO_LEAF;
        return _descend(self, root, random % sum, excluded, weights);
    }

    /// @dev Walks from the root to the leaf owning `point`, treating each `excluded[i]` as weighing
    /// `weights[i]` less (leaf x is under lane k of node(level, index) when x >> 2 level == 4 index + k).
    function _descend(
        Tree storage self,
        uint256 root,
        uint256 point,
        uint256[] memory excluded,
        uint256[] memory weights
    ) private view returns (uint256 index) {
        mapping(uint256 => uint256) storage nodes = self.nodes;
        uint256 level = root >> TOP_SHIFT;
        uint256 node = root;
        uint256 count = excluded.length;
        while (true) {
            uint256 w0 = node & LANE_MASK;
            uint256 w1 = (node >> 64) & LANE_MASK;
            uint256 w2 = (node >> 128) & LANE_MASK;
            if (count != 0) {
                // Remove each excluded leaf's weight from the lane it sits under.
                for (uint256 i; i < count; ++i) {
                    uint256 under = excluded[i] >> (2 * level);
                    if (under >> 2 != index) continue;
                    uint256 lane = under & 3;
                    if (lane == 0) w0 -= weights[i];
                    else if (lane == 1) w1 -= weights[i];
                    else if (lane == 2) w2 -= weights[i];
                }
            }
            // The chosen lane k is the number of cumulative lane sums at or below the point; a zero
            // lane repeats the previous sum and so is never chosen, and the root's metadata lane is
            // never reached (the point is below the sum of its three child lanes). Computed without
            // branches so that a draw costs the same gas whichever leaf it lands on.
            uint256 c0 = w0;
            uint256 c1 = c0 + w1;
            uint256 c2 = c1 + w2;
            uint256 k;
            // solhint: bool-to-int arithmetic, branch-free (constant gas per draw)
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                // Comparisons yield 0 or 1; exactly one of the eq() terms is 1 when k > 0.
                k := add(add(iszero(lt(point, c0)), iszero(lt(point, c1))), iszero(lt(point, c2)))
                point := sub(point, add(add(mul(eq(k, 1), c0), mul(eq(k, 2), c1)), mul(eq(k, 3), c2)))
            }
            index = (index << 2) | k;
            if (level == 0) return index;
            --level;
            node = nodes[(level << 32) | index];
        }
    }

    /// @dev Adds a root level: the old root's children move under its level key (without the
    /// metadata lane, which becomes a free fourth child) and the new root's lane 0 sums them.
    function _grow(Tree storage self, uint256 root, uint256 top) private {
        self.nodes[top << 32] = root & CHILDREN_MASK;
        self.nodes[ROOT_KEY] = ((top + 1) << TOP_SHIFT) | _childrenSum(root);
    }

    function _childrenSum(uint256 node) private pure returns (uint256) {
        return (node & LANE_MASK) + ((node >> 64) & LANE_MASK) + ((node >> 128) & LANE_MASK);
    }
}
