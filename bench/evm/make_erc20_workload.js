// Compiles Erc20Loop.sol with solc-js (npm `solc`, pinned in package.json) and writes the ERC-20 transfer loop
// workload in the same state-test shape as the ipsilon/evm-benchmarks files, so one loader serves all workloads.
// Usage: node bench/evm/make_erc20_workload.js OUT.json [TRANSFERS]
const fs = require("fs");
const path = require("path");
const solc = require("solc");

const out = process.argv[2];
const transfers = Number(process.argv[3] || 1000);
const source = fs.readFileSync(path.join(__dirname, "Erc20Loop.sol"), "utf8");
const input = {
  language: "Solidity",
  sources: { "Erc20Loop.sol": { content: source } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
    outputSelection: { "*": { Erc20Loop: ["evm.deployedBytecode.object", "evm.methodIdentifiers"] } },
  },
};
const res = JSON.parse(solc.compile(JSON.stringify(input)));
for (const e of res.errors || []) {
  if (e.severity === "error") {
    console.error(e.formattedMessage);
    process.exit(1);
  }
}
const c = res.contracts["Erc20Loop.sol"].Erc20Loop;
const selector = c.evm.methodIdentifiers["loop(uint256)"];
const arg = transfers.toString(16).padStart(64, "0");
const sender = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b";
const contract = "0xbe7c43a580000000000000000000000000000002";
const workload = {
  erc20_transfer_loop: {
    _info: { comment: `Erc20Loop.loop(${transfers}) compiled by solc ${solc.version()}` },
    env: {
      currentBaseFee: "0x01", currentCoinbase: "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba", currentDifficulty: "0x00",
      currentGasLimit: "0x3b9aca00", currentNumber: "0x01",
      currentRandom: "0x0000000000000000000000000000000000000000000000000000000000000001",
      currentTimestamp: "0x61a8d289",
    },
    pre: {
      [sender]: { balance: "0x3b9aca00", code: "0x", nonce: "0x00", storage: {} },
      [contract]: { balance: "0x00", code: "0x" + c.evm.deployedBytecode.object, nonce: "0x01", storage: {} },
    },
    transaction: {
      data: ["0x" + selector + arg], gasLimit: ["0x3b9aca00"], gasPrice: "0x01", nonce: "0x00",
      secretKey: "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8",
      sender, to: contract, value: ["0x00"],
    },
  },
};
fs.writeFileSync(out, JSON.stringify(workload, null, 1));
console.log(`wrote ${out}: loop(${transfers}), ${c.evm.deployedBytecode.object.length / 2} bytes of code`);
