// The chain and plain ETH through Hardhat's provider: chain id, the dev signers, latest block fields, and ETH
// transfers with exact balance changes (gas included).
const { expect } = require("chai");
const hre = require("hardhat");

const { ethers } = hre;
const GWEI = 10n ** 9n;

describe("Chain, blocks and ETH transfers", function () {
  it("is the igra network: chain id 38830 and the funded dev accounts", async function () {
    expect(hre.network.name).to.equal("igra");
    expect((await ethers.provider.getNetwork()).chainId).to.equal(38830n);
    const signers = await ethers.getSigners();
    expect(signers).to.have.lengthOf(10);
    const expected = (process.env.IGRA_DEV_ACCOUNTS || "").split(",").filter(Boolean);
    if (expected.length) expect(signers.map((s) => s.address.toLowerCase())).to.deep.equal(expected);
    for (const s of signers) expect(await ethers.provider.getBalance(s.address)).to.be.greaterThan(ethers.parseEther("1"));
  });

  it("latest block fields", async function () {
    const block = await ethers.provider.getBlock("latest");
    expect(block).to.not.equal(null);
    expect(block.number).to.be.a("number").greaterThan(0);
    expect(block.hash).to.match(/^0x[0-9a-f]{64}$/);
    expect(block.parentHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(block.timestamp).to.be.a("number");
    // Igra timestamps follow the L1 DAA score, not the wall clock: igrad dev's simnet starts at its reference
    // time 2026-01-01T00:00:00Z (genesis one second before) and advances about a second per block.
    const genesis = await ethers.provider.getBlock(0);
    expect(genesis.timestamp).to.equal(1_767_225_599);
    expect(block.timestamp).to.be.greaterThan(genesis.timestamp);
    expect(block.gasLimit).to.be.greaterThan(0n);
    expect(block.gasUsed).to.be.lessThanOrEqual(block.gasLimit);
    expect(block.baseFeePerGas).to.be.a("bigint");
    expect(block.baseFeePerGas).to.be.greaterThan(0n);
    expect(block.miner).to.be.properAddress;
    expect(block.transactions).to.be.an("array");
    const parent = await ethers.provider.getBlock(block.parentHash);
    expect(parent.number).to.equal(block.number - 1);
    expect(parent.timestamp).to.be.lessThanOrEqual(block.timestamp);
    const byNumber = await ethers.provider.getBlock(block.number);
    expect(byNumber.hash).to.equal(block.hash);
    expect(await ethers.provider.getBlockNumber()).to.be.greaterThanOrEqual(block.number);
  });

  it("fee data: min priority fee 1 gwei", async function () {
    const fee = await ethers.provider.getFeeData();
    expect(fee.maxPriorityFeePerGas).to.be.greaterThanOrEqual(1n * GWEI);
    expect(fee.maxFeePerGas).to.be.greaterThan(fee.maxPriorityFeePerGas);
    expect(fee.gasPrice).to.be.greaterThan(0n);
  });

  it("ETH transfer: balances change by value and value + fee", async function () {
    const [, , , , , , , , sender, receiver] = await ethers.getSigners();
    const value = ethers.parseEther("1.25");
    const to = ethers.Wallet.createRandom().address;
    await expect(sender.sendTransaction({ to, value })).to.changeEtherBalances([sender, to], [-value, value]);

    const senderBefore = await ethers.provider.getBalance(sender.address);
    const receiverBefore = await ethers.provider.getBalance(receiver.address);
    const tx = await sender.sendTransaction({ to: receiver.address, value });
    const receipt = await tx.wait();
    expect(receipt.status).to.equal(1);
    expect(receipt.gasUsed).to.equal(21_000n);
    expect(receipt.from).to.equal(sender.address);
    expect(receipt.to).to.equal(receiver.address);
    const fee = receipt.gasUsed * receipt.gasPrice;
    expect(receipt.gasPrice).to.be.greaterThan(0n);
    expect(await ethers.provider.getBalance(sender.address, receipt.blockNumber)).to.equal(senderBefore - value - fee);
    expect(await ethers.provider.getBalance(receiver.address, receipt.blockNumber)).to.equal(receiverBefore + value);
    await expect(tx).to.changeEtherBalance(sender, -(value + fee), { includeFee: true });

    const mined = await ethers.provider.getTransaction(tx.hash);
    expect(mined.blockNumber).to.equal(receipt.blockNumber);
    expect(mined.from).to.equal(sender.address);
    expect(mined.value).to.equal(value);
    expect(mined.chainId).to.equal(38830n);
    const block = await ethers.provider.getBlock(receipt.blockNumber);
    expect(block.transactions).to.include(tx.hash);
  });
});
