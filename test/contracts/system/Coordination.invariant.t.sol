// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PrevrandaoRandomness} from "../../../contracts/election/PrevrandaoRandomness.sol";
import {LeaderElection} from "../../../contracts/election/LeaderElection.sol";
import {IdentityRegistry} from "../../../contracts/identity/IdentityRegistry.sol";
import {ILeaderElection} from "../../../contracts/interfaces/ILeaderElection.sol";
import {LockManager} from "../../../contracts/locks/LockManager.sol";
import {StakeManager} from "../../../contracts/staking/StakeManager.sol";
import {StakeToken} from "../../../contracts/token/StakeToken.sol";
import {Test, Vm} from "../../utils/Test.sol";

/**
 * @notice The narrow set of actions the invariant fuzzer may take on the staking and consensus
 * contracts: stake, unstake, withdraw and be slashed; join and leave; elect, heartbeat and fail
 * over; take and release locks; let time pass. Every action is valid by construction or skipped,
 * so the fuzzer spends its depth on state, not on reverts.
 */
contract CoordinationHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant AGENTS = 6;
    uint256 internal constant GROUP = 1;
    bytes32 internal constant KEY_A = "key-a";
    bytes32 internal constant KEY_B = "key-b";

    IdentityRegistry public immutable identity;
    StakeToken public immutable token;
    StakeManager public immutable stakes;
    LeaderElection public immutable election;
    LockManager public immutable locks;

    uint256[] public agents;
    mapping(uint256 agentId => address) public ownerOf;

    // Ghosts: the largest values ever observed, so a decrease is visible to the invariants.
    uint64 public maxTermSeen;
    mapping(bytes32 key => uint256) public maxTokenSeen;
    uint256 public calls;

    constructor() {
        identity = new IdentityRegistry();
        token = new StakeToken();
        stakes = new StakeManager(identity, token, 1 days, address(this));
        election = new LeaderElection(identity, stakes, new PrevrandaoRandomness(), address(0xBEEF), 1e9);
        stakes.grantRole(stakes.SLASHER_ROLE(), address(election));
        stakes.grantRole(stakes.SLASHER_ROLE(), address(this));
        stakes.setStakeListener(election);
        locks = new LockManager(identity);
        election.createGroup("g", ILeaderElection.GroupParams(1 hours, 5 minutes, 1e18, 2e18));
        for (uint256 i; i < AGENTS; ++i) {
            address owner = address(uint160(0xA000 + i));
            vm.prank(owner);
            uint256 agentId = identity.register();
            agents.push(agentId);
            ownerOf[agentId] = owner;
        }
    }

    function agentCount() external view returns (uint256) {
        return agents.length;
    }

    function _agent(uint256 seed) internal view returns (uint256 agentId, address owner) {
        agentId = agents[seed % AGENTS];
        owner = ownerOf[agentId];
    }

    function stake(uint256 seed, uint96 amount) external {
        (uint256 agentId, address owner) = _agent(seed);
        uint256 value = 1 + uint256(amount) % 1_000e18;
        token.faucet(owner, value);
        vm.startPrank(owner);
        token.approve(address(stakes), value);
        stakes.stake(agentId, value);
        vm.stopPrank();
        _observe();
    }

    function requestUnstake(uint256 seed, uint96 amount) external {
        (uint256 agentId, address owner) = _agent(seed);
        uint256 active = stakes.stakeOf(agentId);
        if (active == 0) return;
        vm.prank(owner);
        stakes.requestUnstake(agentId, 1 + uint256(amount) % active);
        _observe();
    }

    function withdraw(uint256 seed) external {
        (uint256 agentId, address owner) = _agent(seed);
        (uint256 amount, uint64 releaseAt) = stakes.unbondingOf(agentId);
        if (amount == 0 || block.timestamp < releaseAt) return;
        vm.prank(owner);
        stakes.withdraw(agentId);
        _observe();
    }

    function slash(uint256 seed, uint96 amount) external {
        (uint256 agentId,) = _agent(seed);
        stakes.slash(agentId, amount, address(0xBEEF), "fuzz");
        _observe();
    }

    function join(uint256 seed) external {
        (uint256 agentId, address owner) = _agent(seed);
        (ILeaderElection.GroupParams memory params,) = election.groupParams(GROUP);
        (, , uint64 electedEpoch,) = election.currentLeader(GROUP);
        if (election.isMember(GROUP, agentId) || stakes.stakeOf(agentId) < params.minStake) return;
        if (electedEpoch == election.currentEpoch(GROUP)) return; // joins wait for the next epoch
        vm.prank(owner);
        election.join(GROUP, agentId);
        _observe();
    }

    function leave(uint256 seed) external {
        (uint256 agentId, address owner) = _agent(seed);
        if (!election.isMember(GROUP, agentId) || election.isLeader(GROUP, agentId)) return;
        vm.prank(owner);
        election.leave(GROUP, agentId);
        _observe();
    }

    function elect() external {
        (, , uint64 epoch,) = election.currentLeader(GROUP);
        if (epoch == election.currentEpoch(GROUP) || election.totalWeight(GROUP) == 0) return;
        vm.roll(block.number + 1); // a draw never shares a block with a weight change
        election.elect(GROUP);
        _observe();
    }

    function heartbeat() external {
        (uint256 leader,,,) = election.currentLeader(GROUP);
        if (leader == 0) return;
        vm.prank(ownerOf[leader]);
        election.heartbeat(GROUP, leader);
        _observe();
    }

    function failover() external {
        (uint256 leader,,, uint64 lastHeartbeat) = election.currentLeader(GROUP);
        if (leader == 0) return;
        if (block.timestamp <= lastHeartbeat + 5 minutes) vm.warp(lastHeartbeat + 5 minutes + 1);
        vm.roll(block.number + 1);
        election.failover(GROUP);
        _observe();
    }

    function acquire(uint256 seed, bool keyB, uint32 ttl) external {
        (uint256 agentId, address owner) = _agent(seed);
        bytes32 key = keyB ? KEY_B : KEY_A;
        (uint256 holder,,) = locks.holderOf(key);
        if (holder != 0 && holder != agentId) return;
        vm.prank(owner);
        locks.acquire(key, agentId, 1 + uint64(ttl) % 1 days);
        _observe();
    }

    function release(bool keyB) external {
        bytes32 key = keyB ? KEY_B : KEY_A;
        (uint256 holder, uint256 fencingToken,) = locks.holderOf(key);
        if (holder == 0) return;
        vm.prank(ownerOf[holder]);
        locks.release(key, fencingToken);
        _observe();
    }

    function passTime(uint32 secondsAhead) external {
        vm.warp(block.timestamp + secondsAhead % 2 days);
        vm.roll(block.number + 1);
        _observe();
    }

    /// @dev Records the largest term and fencing tokens seen after every action.
    function _observe() internal {
        ++calls;
        (, uint64 term,,) = election.currentLeader(GROUP);
        if (term > maxTermSeen) maxTermSeen = term;
        for (uint256 k; k < 2; ++k) {
            bytes32 key = k == 0 ? KEY_A : KEY_B;
            (, uint256 fencingToken,) = locks.holderOf(key);
            if (fencingToken > maxTokenSeen[key]) maxTokenSeen[key] = fencingToken;
        }
    }
}

/// @notice Invariants of stake, election weights, terms and fencing tokens, one property each.
contract CoordinationInvariantTest is Test {
    CoordinationHandler internal handler;

    function setUp() public {
        handler = new CoordinationHandler();
        targetContract(address(handler));
    }

    /// @dev The stake token balance of StakeManager equals active plus unbonding stake, in total and
    /// as the sum over agents.
    function invariant_stakeBalanceEqualsActivePlusUnbonding() public view {
        StakeManager stakes = handler.stakes();
        uint256 balance = handler.token().balanceOf(address(stakes));
        assertEq(balance, stakes.totalStake() + stakes.totalUnbonding(), "balance != active + unbonding");
        uint256 sum;
        for (uint256 i; i < handler.agentCount(); ++i) {
            uint256 agentId = handler.agents(i);
            (uint256 unbonding,) = stakes.unbondingOf(agentId);
            sum += stakes.stakeOf(agentId) + unbonding;
        }
        assertEq(balance, sum, "balance != sum over agents");
    }

    /// @dev The tree root equals the sum of member weights, and each weight equals stake in units
    /// (0 below the minimum stake).
    function invariant_treeRootEqualsSumOfMemberWeights() public view {
        LeaderElection election = handler.election();
        StakeManager stakes = handler.stakes();
        uint256 sum;
        for (uint256 i; i < handler.agentCount(); ++i) {
            uint256 agentId = handler.agents(i);
            uint256 weight = election.weightOf(1, agentId);
            sum += weight;
            if (!election.isMember(1, agentId)) continue;
            uint256 stake = stakes.stakeOf(agentId);
            assertEq(weight, stake < 1e18 ? 0 : stake / 1e9, "weight != stake");
        }
        assertEq(election.totalWeight(1), sum, "root != sum of member weights");
    }

    /// @dev Terms never decrease.
    function invariant_termNeverDecreases() public view {
        (, uint64 term,,) = handler.election().currentLeader(1);
        assertEq(term, handler.maxTermSeen(), "term decreased");
    }

    /// @dev A lock's fencing token never decreases.
    function invariant_fencingTokensNeverDecrease() public view {
        LockManager locks = handler.locks();
        (, uint256 tokenA,) = locks.holderOf("key-a");
        (, uint256 tokenB,) = locks.holderOf("key-b");
        assertEq(tokenA, handler.maxTokenSeen("key-a"), "key-a token decreased");
        assertEq(tokenB, handler.maxTokenSeen("key-b"), "key-b token decreased");
    }

    /// @dev The leader, when there is one, is a member.
    function invariant_leaderIsMember() public view {
        (uint256 leader,,,) = handler.election().currentLeader(1);
        if (leader != 0) assertTrue(handler.election().isMember(1, leader), "leader is not a member");
    }
}
