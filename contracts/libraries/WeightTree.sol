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
 *   top level:   a single node(top, 0) whose lanes 0-2 are children and whose lane 3 holds the
 *                number of the last block in which any weight changed
 * ```
 *
 * Leaf i is lane `(i >> 2l) & 3` of node(l, i >> 2(l + 1)) at every level. The top node has three
 * children, so the tree holds `3 * 4^top` leaves; one more grows it by a level (the old top node
 * becomes child 0 of the new one). Growth never moves existing nodes.
 *
 * Every lane is a sum of leaf weights, so every lane (and the total) is bounded by the sum of all
 * weights; additions are checked and revert with {WeightOverflow} past 2^64 - 1 per lane.
 */
library WeightTree {
    struct Tree {
        /// Leaves allocated so far (vacated ones included).
        uint32 size;
        /// Level of the root node.
        uint8 top;
        /// Vacated leaves, reused before new ones are allocated.
        uint32[] vacant;
        /// node(level, index) under key `level << 32 | index`.
        mapping(uint256 key => uint256 node) nodes;
    }

    uint256 private constant LANE_MASK = 0xffffffffffffffff;
    /// @dev Lane of the top node that holds the last-change block number.
    uint256 private constant MARKER_SHIFT = 192;
    uint256 private constant CHILDREN_MASK = (1 << 192) - 1;

    /**
     * @dev Thrown when a lane would exceed 2^64 - 1 (the group's total weight is too large).
     * @param leaf The leaf being updated.
     */
    error WeightOverflow(uint256 leaf);

    /// @dev Thrown when drawing from a tree whose total weight is zero.
    error EmptyTree();

    /// @notice Allocates a leaf (a vacated one first) with weight `weight`; returns its index.
    function insert(Tree storage self, uint64 weight) internal returns (uint256 leaf) {
        uint256 vacantCount = self.vacant.length;
        if (vacantCount != 0) {
            leaf = self.vacant[vacantCount - 1];
            self.vacant.pop();
        } else {
            leaf = self.size;
            uint256 top = self.top;
            // Capacity is 3 * 4^top leaves; the next leaf needs a new root level.
            if (leaf == 3 << (2 * top)) _grow(self, top);
            self.size = uint32(leaf + 1);
        }
        if (weight != 0) set(self, leaf, weight);
    }

    /// @notice Zeroes a leaf and queues it for reuse.
    function remove(Tree storage self, uint256 leaf) internal {
        set(self, leaf, 0);
        self.vacant.push(uint32(leaf));
    }

    /**
     * @notice Sets leaf `leaf` to `weight`, updating every node on its path and the change marker.
     * @return old The previous weight.
     */
    function set(Tree storage self, uint256 leaf, uint64 weight) internal returns (uint64 old) {
        mapping(uint256 => uint256) storage nodes = self.nodes;
        uint256 top = self.top;
        uint256 key = leaf >> 2;
        uint256 shift = (leaf & 3) << 6;
        uint256 node = nodes[key];
        old = uint64(node >> shift);
        if (old == weight) return old;

        node = (node & ~(LANE_MASK << shift)) | (uint256(weight) << shift);
        if (top == 0) node = _mark(node);
        nodes[key] = node;

        bool up = weight > old;
        uint256 delta = up ? weight - old : old - weight;
        for (uint256 level = 1; level <= top; ++level) {
            key = (level << 32) | (leaf >> (2 * level + 2));
            shift = ((leaf >> (2 * level)) & 3) << 6;
            node = nodes[key];
            uint256 lane = (node >> shift) & LANE_MASK;
            if (up) {
                lane += delta;
                if (lane > LANE_MASK) revert WeightOverflow(leaf);
            } else {
                // The lane is a sum that includes the old weight, so it is at least `delta`.
                lane -= delta;
            }
            node = (node & ~(LANE_MASK << shift)) | (lane << shift);
            if (level == top) node = _mark(node);
            nodes[key] = node;
        }
    }

    /// @notice Leaf `leaf`'s weight.
    function weightOf(Tree storage self, uint256 leaf) internal view returns (uint64) {
        return uint64(self.nodes[leaf >> 2] >> ((leaf & 3) << 6));
    }

    /// @notice Sum of all weights.
    function total(Tree storage self) internal view returns (uint256) {
        return _childrenSum(self.nodes[uint256(self.top) << 32]);
    }

    /// @notice Number of the last block in which a weight changed (0 if never).
    function lastChange(Tree storage self) internal view returns (uint256) {
        return self.nodes[uint256(self.top) << 32] >> MARKER_SHIFT;
    }

    /**
     * @notice The leaf owning point `random % total` of the cumulative weights: each leaf is drawn
     * with probability weight / total (the modulo bias is below 2^-192).
     * @dev Requirements: total > 0. Reads one slot per level.
     */
    function draw(Tree storage self, uint256 random) internal view returns (uint256 leaf) {
        mapping(uint256 => uint256) storage nodes = self.nodes;
        uint256 level = self.top;
        uint256 node = nodes[level << 32];
        uint256 sum = _childrenSum(node);
        if (sum == 0) revert EmptyTree();
        uint256 point = random % sum;
        uint256 index;
        while (true) {
            // Pick the first lane whose weight exceeds what remains of the point. A lane with zero
            // weight can never be picked. The top node's marker lane is never reached: the point is
            // below the sum of lanes 0-2.
            uint256 k;
            while (true) {
                uint256 w = (node >> (k << 6)) & LANE_MASK;
                if (point < w) break;
                point -= w;
                ++k;
            }
            index = (index << 2) | k;
            if (level == 0) return index;
            --level;
            node = nodes[(level << 32) | index];
        }
    }

    /**
     * @notice Like {draw}, over the tree with the leaves in `excluded` weighing zero: each other
     * leaf is drawn with probability weight / (total - excluded weight). Returns `type(uint256).max`
     * when nothing else has weight. Costs one slot read per level plus one per excluded leaf, and
     * O(levels * excluded) arithmetic; `excluded` must not repeat a leaf.
     */
    function drawExcluding(Tree storage self, uint256 random, uint256[] memory excluded)
        internal
        view
        returns (uint256 leaf)
    {
        uint256 count = excluded.length;
        uint256[] memory weights = new uint256[](count);
        uint256 excludedSum;
        for (uint256 i; i < count; ++i) {
            weights[i] = weightOf(self, excluded[i]);
            excludedSum += weights[i];
        }
        mapping(uint256 => uint256) storage nodes = self.nodes;
        uint256 level = self.top;
        uint256 node = nodes[level << 32];
        // The excluded leaves are part of the total, so the subtraction cannot underflow.
        uint256 sum = _childrenSum(node) - excludedSum;
        if (sum == 0) return type(uint256).max;
        uint256 point = random % sum;
        uint256 index;
        while (true) {
            uint256 k;
            while (true) {
                uint256 w = (node >> (k << 6)) & LANE_MASK;
                // Remove the weight of every excluded leaf under this lane: leaf x is under lane k
                // of node(level, index) when x >> 2 * level == 4 * index + k.
                uint256 child = (index << 2) | k;
                for (uint256 i; i < count; ++i) {
                    if (excluded[i] >> (2 * level) == child) w -= weights[i];
                }
                if (point < w) break;
                point -= w;
                ++k;
            }
            index = (index << 2) | k;
            if (level == 0) return index;
            --level;
            node = nodes[(level << 32) | index];
        }
    }

    /// @dev Adds a root level above `top`: the old root becomes child 0, its marker lane a free lane.
    function _grow(Tree storage self, uint256 top) private {
        mapping(uint256 => uint256) storage nodes = self.nodes;
        uint256 oldKey = top << 32;
        uint256 oldRoot = nodes[oldKey];
        uint256 marker = oldRoot >> MARKER_SHIFT;
        nodes[oldKey] = oldRoot & CHILDREN_MASK;
        nodes[(top + 1) << 32] = (marker << MARKER_SHIFT) | _childrenSum(oldRoot);
        self.top = uint8(top + 1);
    }

    function _childrenSum(uint256 node) private pure returns (uint256) {
        return (node & LANE_MASK) + ((node >> 64) & LANE_MASK) + ((node >> 128) & LANE_MASK);
    }

    function _mark(uint256 node) private view returns (uint256) {
        return (node & CHILDREN_MASK) | (block.number << MARKER_SHIFT);
    }
}
