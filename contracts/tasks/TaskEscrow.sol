// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ITaskBoard} from "../interfaces/ITaskBoard.sol";

/**
 * @title TaskEscrow
 * @notice TaskBoard's money: escrow taken in, credits paid out. Rewards and bonds are escrowed
 * per token; they leave only as credits that accounts pull with {withdrawCredit}, never pushed.
 * Every token the board holds is either escrowed or credited: escrow comes in only through
 * {_collect} (exact amounts; fee-on-transfer and rebasing tokens are refused at the transfer that
 * would lose the difference) and leaves only as credits. So only credits are counted on chain
 * ({totalCredits}); {totalEscrowed} is the balance less the credits, and a post or a settlement
 * writes no escrow total (the indexer sums escrow from the events; the invariant tests check it
 * against every task's terms).
 */
abstract contract TaskEscrow is ITaskBoard, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    mapping(address account => mapping(address token => uint256)) private _credits;
    mapping(address token => uint256) private _creditTotals;

    /// @inheritdoc ITaskBoard
    function withdrawCredit(address token) external nonReentrant {
        uint256 amount = _credits[msg.sender][token];
        if (amount == 0) revert NothingToWithdraw(msg.sender, token);
        _credits[msg.sender][token] = 0;
        _creditTotals[token] -= amount;
        emit CreditWithdrawn(msg.sender, token, amount);
        if (token == address(0)) {
            (bool ok,) = msg.sender.call{value: amount}("");
            if (!ok) revert EthTransferFailed(msg.sender, amount);
        } else {
            IERC20(token).safeTransfer(msg.sender, amount);
        }
    }

    /// @inheritdoc ITaskBoard
    function creditOf(address account, address token) external view returns (uint256 credit) {
        return _credits[account][token];
    }

    /// @inheritdoc ITaskBoard
    /// @dev The balance less the credits: tokens forced on the board outside its functions (a
    /// self-destruct's ETH, a plain ERC-20 transfer) count here too, and belong to nobody.
    function totalEscrowed(address token) external view returns (uint256 amount) {
        uint256 balance = token == address(0) ? address(this).balance : IERC20(token).balanceOf(address(this));
        return balance - _creditTotals[token];
    }

    /// @inheritdoc ITaskBoard
    function totalCredits(address token) external view returns (uint256 amount) {
        return _creditTotals[token];
    }

    /**
     * @dev Takes `amount` into escrow from the caller: ETH must be sent exactly; an ERC-20 is pulled
     * and must arrive in full.
     */
    function _collect(address token, uint256 amount) internal {
        if (token == address(0)) {
            if (msg.value != amount) revert WrongPayment(amount, msg.value);
        } else {
            if (msg.value != 0) revert WrongPayment(0, msg.value);
            if (amount != 0) {
                uint256 before = IERC20(token).balanceOf(address(this));
                IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
                uint256 received = IERC20(token).balanceOf(address(this)) - before;
                if (received != amount) revert UnsupportedToken(token, amount, received);
            }
        }
    }

    /// @dev Moves `amount` from escrow to `account`'s credit.
    function _release(address token, address account, uint256 amount, uint256 taskId) internal {
        _credit(account, token, amount, taskId);
    }

    /// @dev Moves `escrow` out of escrow and splits it: `paid` to `payee`, the rest to `refundee`.
    function _settle(address token, uint256 escrow, address payee, uint256 paid, address refundee, uint256 taskId)
        internal
    {
        _credit(payee, token, paid, taskId);
        _credit(refundee, token, escrow - paid, taskId);
    }

    /// @dev Credits `amount` (if any) to `account`, emitting {Credited}.
    function _credit(address account, address token, uint256 amount, uint256 taskId) private {
        if (amount == 0) return;
        _credits[account][token] += amount;
        _creditTotals[token] += amount;
        emit Credited(account, token, amount, taskId);
    }
}
