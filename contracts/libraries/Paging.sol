// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title Paging
 * @notice Bounds of a page over a list, for the paged reads that keep long lists readable
 * within an `eth_call` gas cap.
 */
library Paging {
    /**
     * @notice The half-open index range `[start, end)` of the page of at most `limit` items that
     * begins at `offset` in a list of `total` items. An offset past the end yields an empty page.
     * @param total The list's length.
     * @param offset The first index asked for.
     * @param limit The most items asked for.
     * @return start The first index of the page.
     * @return end One past its last index.
     */
    function window(uint256 total, uint256 offset, uint256 limit) internal pure returns (uint256 start, uint256 end) {
        if (offset >= total) return (total, total);
        start = offset;
        // total - offset cannot underflow (offset < total), and min() keeps end <= total.
        uint256 remaining = total - offset;
        end = offset + (limit < remaining ? limit : remaining);
    }
}
