// Events.sol on `igrad dev` through Hardhat: events with indexed and non-indexed arguments (emit / withArgs and
// queryFilter), and every kind of failure a client decodes: Error(string), a custom error, panics 0x01 / 0x12,
// in calls, in estimates and in a mined transaction that reverted.
const { expect } = require("chai");
const hre = require("hardhat");
const { PANIC_CODES } = require("@nomicfoundation/hardhat-chai-matchers/panic");

const { ethers } = hre;

describe("Events and reverts", function () {
  let signer, other, events, deployBlock;

  before(async function () {
    [, , , , signer, other] = await ethers.getSigners();
    events = await ethers.deployContract("Events", [], signer);
    deployBlock = (await events.deploymentTransaction().wait()).blockNumber;
  });

  it("store emits Stored (indexed who, key) and Bumped", async function () {
    const tx = events.store(7n, 700n, "first");
    await expect(tx).to.emit(events, "Stored").withArgs(signer.address, 7n, 700n, "first");
    await expect(tx).to.emit(events, "Bumped").withArgs(1n);
    await expect(events.connect(other).store(8n, 800n, "second"))
      .to.emit(events, "Stored")
      .withArgs(other.address, 8n, 800n, "second");
    await expect(events.store(7n, 701n, "third")).to.emit(events, "Bumped").withArgs(3n);
    expect(await events.counter()).to.equal(3n);
  });

  it("queryFilter by indexed arguments", async function () {
    const mine = await events.queryFilter(events.filters.Stored(signer.address), deployBlock, "latest");
    expect(mine.map((e) => e.args.note)).to.deep.equal(["first", "third"]);
    const key8 = await events.queryFilter(events.filters.Stored(null, 8n), deployBlock);
    expect(key8).to.have.lengthOf(1);
    expect(key8[0].args.who).to.equal(other.address);
    expect(key8[0].args.value).to.equal(800n);
    expect(key8[0].topics).to.have.lengthOf(3);
    expect(key8[0].topics[2]).to.equal(ethers.toBeHex(8n, 32));
    const both = await events.queryFilter(events.filters.Stored(signer.address, 7n), deployBlock);
    expect(both.map((e) => e.args.value)).to.deep.equal([700n, 701n]);
    const bumps = await events.queryFilter(events.filters.Bumped(), deployBlock);
    expect(bumps.map((e) => e.args.counter)).to.deep.equal([1n, 2n, 3n]);
    // Logs of one block, in order, with consistent positions.
    const block = await ethers.provider.getBlock(bumps[0].blockNumber);
    expect(block.hash).to.equal(bumps[0].blockHash);
    const inBlock = await ethers.provider.getLogs({ address: events.target, blockHash: bumps[0].blockHash });
    expect(inBlock.map((l) => events.interface.parseLog(l).name)).to.deep.equal(["Stored", "Bumped"]);
    expect(inBlock[1].index).to.equal(inBlock[0].index + 1);
    expect(inBlock[0].transactionHash).to.equal(bumps[0].transactionHash);
  });

  it("revertedWith: Error(string) from a call and from estimateGas", async function () {
    await expect(events.failString()).to.be.revertedWith("nope");
    await expect(events.bumpThenFail()).to.be.revertedWith("nope"); // fails in eth_estimateGas
    await expect(events.bumpThenFail.staticCall()).to.be.revertedWith("nope");
  });

  it("revertedWithCustomError: Custom(who, code)", async function () {
    await expect(events.failCustom(42n)).to.be.revertedWithCustomError(events, "Custom").withArgs(signer.address, 42n);
    await expect(events.connect(other).failCustom(7n))
      .to.be.revertedWithCustomError(events, "Custom")
      .withArgs(other.address, 7n);
  });

  it("revertedWithPanic: 0x01 (assert) and 0x12 (division by zero)", async function () {
    await expect(events.failAssert()).to.be.revertedWithPanic(0x01);
    await expect(events.failAssert()).to.be.revertedWithPanic(PANIC_CODES.ASSERTION_ERROR);
    await expect(events.divide(1n, 0n)).to.be.revertedWithPanic(0x12);
    await expect(events.divide(1n, 0n)).to.be.revertedWithPanic(PANIC_CODES.DIVISION_BY_ZERO);
    expect(await events.divide(10n, 3n)).to.equal(3n);
    await expect(events.divide(10n, 3n)).not.to.be.reverted;
  });

  it("a mined transaction that reverts: status 0, counter unchanged", async function () {
    const before = await events.counter();
    const tx = await events.bumpThenFail({ gasLimit: 100_000n }); // skips estimation, so the tx is mined
    await expect(tx.wait()).to.be.rejected;
    const receipt = await ethers.provider.getTransactionReceipt(tx.hash);
    expect(receipt.status).to.equal(0);
    expect(receipt.logs).to.have.lengthOf(0);
    expect(receipt.gasUsed).to.be.greaterThan(21_000n);
    expect(receipt.gasUsed).to.be.lessThan(100_000n);
    expect(await events.counter()).to.equal(before);
    await expect(events.bumpThenFail({ gasLimit: 100_000n })).to.be.reverted;
  });
});
