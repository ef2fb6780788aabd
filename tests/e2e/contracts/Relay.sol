// SPDX-License-Identifier: MIT
// A contract that calls other contracts (Token, Events): token transfers on behalf of the caller (transferFrom
// with an allowance), events emitted by the callee with the relay as msg.sender, reverts that bubble up
// unchanged, and a revert caught with try/catch. Used by the Hardhat suite (tests/hardhat).
pragma solidity ^0.8.30;

interface IToken {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function balanceOf(address who) external view returns (uint256);
}

interface IEvents {
    function store(uint256 key, uint256 value, string calldata note) external;
    function failString() external view returns (uint256);
    function failCustom(uint256 code) external view returns (uint256);
    function counter() external view returns (uint256);
}

contract Relay {
    event Forwarded(address indexed token, address indexed from, address indexed to, uint256 amount);
    event Caught(string reason);

    // Moves `amount` of the caller's tokens to `to` (the caller must have approved this contract).
    function forward(IToken token, address to, uint256 amount) external {
        require(token.transferFrom(msg.sender, to, amount), "transferFrom failed");
        emit Forwarded(address(token), msg.sender, to, amount);
    }

    function balanceOfVia(IToken token, address who) external view returns (uint256) {
        return token.balanceOf(who);
    }

    // Events.store with this contract as msg.sender; returns the callee's new counter.
    function storeVia(IEvents ev, uint256 key, uint256 value, string calldata note) external returns (uint256) {
        ev.store(key, value, note);
        return ev.counter();
    }

    // The callee's revert data bubbles up unchanged (Custom(address(this), code)).
    function failCustomVia(IEvents ev, uint256 code) external view returns (uint256) {
        return ev.failCustom(code);
    }

    // The callee's Error(string) is caught and emitted instead of reverting.
    function catchString(IEvents ev) external {
        try ev.failString() returns (uint256) {
            emit Caught("");
        } catch Error(string memory reason) {
            emit Caught(reason);
        }
    }
}
