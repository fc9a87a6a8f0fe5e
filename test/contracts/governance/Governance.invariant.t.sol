// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LeaderElection} from "../../../contracts/election/LeaderElection.sol";
import {Governance} from "../../../contracts/governance/Governance.sol";
import {IdentityRegistry} from "../../../contracts/identity/IdentityRegistry.sol";
import {IGovernance} from "../../../contracts/interfaces/IGovernance.sol";
import {ILeaderElection} from "../../../contracts/interfaces/ILeaderElection.sol";
import {IRandomnessSource} from "../../../contracts/interfaces/IRandomnessSource.sol";
import {StakeManager} from "../../../contracts/staking/StakeManager.sol";
import {StakeToken} from "../../../contracts/token/StakeToken.sol";
import {Test, Vm} from "../../utils/Test.sol";

/**
 * @notice The attacker's moves on Governance, for the invariant fuzzer: joining after a proposal
 * (and then voting), leaving after it, buying or dumping stake after it, moving stake, joining or
 * leaving in the proposal's own block, and voting with any agent. The handler counts, on its own,
 * the population each proposal's snapshot covers (the group's members and their weights at the
 * start of the proposal's block), so the invariants do not take the contracts' word for it.
 */
contract GovernanceAttackHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant AGENTS = 6;
    uint256 internal constant GROUP = 1;
    uint256 internal constant UNIT = 1e9;
    uint256 internal constant MIN_STAKE = 10e18;

    IdentityRegistry public immutable identity;
    StakeToken public immutable token;
    StakeManager public immutable stakes;
    LeaderElection public immutable election;
    Governance public immutable governance;

    uint256[] public agents;
    mapping(uint256 agentId => address) public ownerOf;
    uint256 public blockNumber;
    uint256 public timestamp;

    // Per proposal, counted by the handler: the snapshot population's total weight (in stake),
    // its members, and what each may vote with.
    uint256[] public proposals;
    mapping(uint256 proposalId => uint256) public populationWeight;
    mapping(uint256 proposalId => mapping(uint256 agentId => bool)) public inPopulation;
    mapping(uint256 proposalId => mapping(uint256 agentId => uint256)) public weightAtSnapshot;

    // Ghosts: violations.
    uint256 public outsiderVotes; // a vote by an agent that was not a member at the snapshot
    uint256 public wrongWeightVotes; // a vote weighing other than the voter's snapshot weight
    uint256 public votes;

    constructor() {
        identity = new IdentityRegistry();
        token = new StakeToken();
        stakes = new StakeManager(identity, token, 1 days, address(this));
        election = new LeaderElection(identity, stakes, IRandomnessSource(address(0)), address(0xBEEF), UNIT);
        governance = new Governance(identity, election);
        stakes.setStakeListener(election);
        election.createGroup("council", ILeaderElection.GroupParams(1 hours, 5 minutes, uint128(MIN_STAKE), 0));
        for (uint256 i; i < AGENTS; ++i) {
            address owner = address(uint160(0xC000 + i));
            vm.prank(owner);
            uint256 agentId = identity.register();
            agents.push(agentId);
            ownerOf[agentId] = owner;
            token.faucet(owner, 1e30);
            vm.prank(owner);
            token.approve(address(stakes), type(uint256).max);
            vm.prank(owner);
            stakes.stake(agentId, 20e18 * (i + 1));
            if (i < 3) {
                vm.prank(owner);
                election.join(GROUP, agentId);
            }
        }
        blockNumber = block.number;
        timestamp = block.timestamp;
    }

    // ---------------------------------------------------------------- the population

    function stake(uint256 seed, uint96 amount) external {
        _nextBlock(1);
        (uint256 agentId, address owner) = _agent(seed);
        vm.prank(owner);
        stakes.stake(agentId, 1 + uint256(amount) % 500e18);
    }

    function unstake(uint256 seed, uint96 amount) external {
        _nextBlock(1);
        (uint256 agentId, address owner) = _agent(seed);
        uint256 active = stakes.stakeOf(agentId);
        if (active == 0) return;
        vm.prank(owner);
        stakes.requestUnstake(agentId, 1 + uint256(amount) % active);
    }

    function join(uint256 seed) external {
        _nextBlock(1);
        (uint256 agentId, address owner) = _agent(seed);
        vm.prank(owner);
        try election.join(GROUP, agentId) {} catch {}
    }

    function leave(uint256 seed) external {
        _nextBlock(1);
        (uint256 agentId, address owner) = _agent(seed);
        vm.prank(owner);
        try election.leave(GROUP, agentId) {} catch {}
    }

    function passTime(uint32 secondsAhead) external {
        _nextBlock(1 + secondsAhead % 3 days);
    }

    // ---------------------------------------------------------------- proposals and votes

    /// @dev A proposal, with one attacker move in its own block first: `move` 0 nothing, 1 a stake
    /// added, 2 a stake cut, 3 a join, 4 a leave.
    function propose(uint256 seed, uint8 move, uint96 amount, uint16 quorumBps) external {
        _nextBlock(1);
        // The snapshot is the end of the previous second: the state now, before anything in this block.
        uint256 population = _census();
        (uint256 agentId, address owner) = _agent(seed);
        move %= 5;
        uint256 active = stakes.stakeOf(agentId);
        if (move == 1) {
            vm.prank(owner);
            stakes.stake(agentId, 1 + uint256(amount) % 500e18);
        } else if (move == 2 && active != 0) {
            vm.prank(owner);
            stakes.requestUnstake(agentId, 1 + uint256(amount) % active);
        } else if (move == 3) {
            vm.prank(owner);
            try election.join(GROUP, agentId) {} catch {}
        } else if (move == 4) {
            vm.prank(owner);
            try election.leave(GROUP, agentId) {} catch {}
        }
        uint256 proposalId = governance.propose(GROUP, "ipfs://p", 2, 1 days, uint16(quorumBps % 10_001));
        proposals.push(proposalId);
        populationWeight[proposalId] = population;
        for (uint256 i; i < AGENTS; ++i) {
            uint256 id = agents[i];
            inPopulation[proposalId][id] = _censusMember[id];
            weightAtSnapshot[proposalId][id] = _censusWeight[id];
        }
    }

    /// @dev Any agent (member or not, joined late or left) votes on any open proposal.
    function vote(uint256 seed, uint256 proposalSeed, bool yes) external {
        if (proposals.length == 0) return;
        _nextBlock(1);
        uint256 proposalId = proposals[proposalSeed % proposals.length];
        (uint256 agentId, address owner) = _agent(seed);
        uint256 before = governance.getProposal(proposalId).totalVotes;
        vm.prank(owner);
        try governance.vote(proposalId, agentId, yes ? 1 : 0) {
            ++votes;
            if (!inPopulation[proposalId][agentId]) ++outsiderVotes;
            if (governance.getProposal(proposalId).totalVotes - before != weightAtSnapshot[proposalId][agentId]) ++wrongWeightVotes;
        } catch {}
    }

    function proposalCount() external view returns (uint256) {
        return proposals.length;
    }

    // ---------------------------------------------------------------- internals

    mapping(uint256 agentId => bool) private _censusMember;
    mapping(uint256 agentId => uint256) private _censusWeight;

    /// @dev The group now, counted member by member from the election's current state: weights in
    /// stake (whole weight units, 0 below the minimum).
    function _census() internal returns (uint256 total) {
        for (uint256 i; i < AGENTS; ++i) {
            uint256 id = agents[i];
            bool member = election.isMember(GROUP, id);
            uint256 s = stakes.stakeOf(id);
            uint256 weight = member && s >= MIN_STAKE ? (s / UNIT) * UNIT : 0;
            _censusMember[id] = member;
            _censusWeight[id] = weight;
            total += weight;
        }
    }

    function _nextBlock(uint256 secondsAhead) internal {
        blockNumber += 1;
        timestamp += secondsAhead;
        vm.roll(blockNumber);
        vm.warp(timestamp);
    }

    function _agent(uint256 seed) internal view returns (uint256 agentId, address owner) {
        agentId = agents[seed % AGENTS];
        owner = ownerOf[agentId];
    }
}

/// @notice Invariants of Governance under attack, one property each.
contract GovernanceInvariantTest is Test {
    GovernanceAttackHandler internal handler;

    function setUp() public {
        handler = new GovernanceAttackHandler();
        targetContract(address(handler));
    }

    /// @dev A proposal's votes never exceed the weight of its snapshot population.
    function invariant_votesNeverExceedSnapshotMembership() public view {
        Governance governance = handler.governance();
        for (uint256 i; i < handler.proposalCount(); ++i) {
            uint256 proposalId = handler.proposals(i);
            IGovernance.Proposal memory p = governance.getProposal(proposalId);
            assertTrue(p.totalVotes <= handler.populationWeight(proposalId), "votes exceed the snapshot population");
        }
    }

    /// @dev The quorum is the stated share of that same population.
    function invariant_quorumIsAShareOfTheSnapshotPopulation() public view {
        Governance governance = handler.governance();
        for (uint256 i; i < handler.proposalCount(); ++i) {
            uint256 proposalId = handler.proposals(i);
            IGovernance.Proposal memory p = governance.getProposal(proposalId);
            assertEq(p.quorumVotes, handler.populationWeight(proposalId) * p.quorumBps / 10_000, "quorum base != snapshot population");
        }
    }

    /// @dev Only members at the snapshot vote, each with its weight then.
    function invariant_onlySnapshotMembersVoteWithTheirSnapshotWeight() public view {
        assertEq(handler.outsiderVotes(), 0, "an agent outside the snapshot voted");
        assertEq(handler.wrongWeightVotes(), 0, "a vote weighed other than the voter's snapshot weight");
    }
}
