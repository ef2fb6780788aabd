// SPDX-License-Identifier: MIT
// Events (indexed and non-indexed arguments) and every kind of failure a client has to decode: a revert
// string, a custom error, and panics (assert, division by zero). Used by the end-to-end tests (tests/e2e).
pragma solidity ^0.8.30;

contract Events {
    uint256 public counter;

    event Stored(address indexed who, uint256 indexed key, uint256 value, string note);
    event Bumped(uint256 counter);

    error Custom(address who, uint256 code);

    function store(uint256 key, uint256 value, string calldata note) external {
        counter += 1;
        emit Stored(msg.sender, key, value, note);
        emit Bumped(counter);
    }

    // Fails with Error(string) "nope".
    function failString() external view returns (uint256) {
        require(counter == type(uint256).max, "nope");
        return counter;
    }

    // Fails with the custom error Custom(msg.sender, code).
    function failCustom(uint256 code) external view returns (uint256) {
        if (counter != type(uint256).max) revert Custom(msg.sender, code);
        return counter;
    }

    // Fails with Panic(0x01).
    function failAssert() external view returns (uint256) {
        assert(counter == type(uint256).max);
        return counter;
    }

    // Fails with Panic(0x12) when d == 0.
    function divide(uint256 n, uint256 d) external pure returns (uint256) {
        return n / d;
    }

    // A state-changing call that fails with "nope" (for a mined, reverted transaction).
    function bumpThenFail() external {
        counter += 1;
        require(false, "nope");
    }
}
