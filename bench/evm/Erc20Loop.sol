// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

// The ERC-20 transfer loop workload of bench/evm: a plain ERC-20 (balances, allowances, Transfer events) whose
// loop(n) credits the caller n tokens and then makes n transfers of 1 token to n distinct recipients, each a
// full checked _transfer (two mapping slots, an event with three topics).
contract Erc20Loop {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    uint256 public totalSupply;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function transfer(address to, uint256 value) external returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 a = allowance[from][msg.sender];
        require(a >= value, "allowance");
        allowance[from][msg.sender] = a - value;
        _transfer(from, to, value);
        return true;
    }

    function loop(uint256 n) external {
        balanceOf[msg.sender] += n;
        totalSupply += n;
        for (uint256 i = 0; i < n; ++i) {
            _transfer(msg.sender, address(uint160(0x10000 + i)), 1);
        }
    }

    function _transfer(address from, address to, uint256 value) internal {
        uint256 b = balanceOf[from];
        require(b >= value, "balance");
        balanceOf[from] = b - value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
