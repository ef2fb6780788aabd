// A contract calling others (tests/e2e/contracts/Relay.sol -> Token, Events): transferFrom on the caller's
// behalf, events emitted by the callee, a revert bubbling up through the caller, and a caught revert.
const { expect } = require("chai");
const hre = require("hardhat");

const { ethers } = hre;
const E18 = 10n ** 18n;

describe("Relay (contract calling contracts)", function () {
  let user, receiver, token, events, relay;

  before(async function () {
    [, , , , , , user, receiver] = await ethers.getSigners();
    token = await ethers.deployContract("Token", ["Relay Token", "RLT", 1000n * E18], user);
    events = await ethers.deployContract("Events", [], user);
    relay = await ethers.deployContract("Relay", [], user);
    await Promise.all([token.waitForDeployment(), events.waitForDeployment(), relay.waitForDeployment()]);
  });

  it("forwards tokens with the caller's allowance", async function () {
    const amount = 25n * E18;
    await (await token.approve(relay.target, amount)).wait();
    const tx = relay.forward(token.target, receiver.address, amount);
    await expect(tx).to.emit(token, "Transfer").withArgs(user.address, receiver.address, amount);
    await expect(tx).to.emit(relay, "Forwarded").withArgs(token.target, user.address, receiver.address, amount);
    await expect(tx).to.changeTokenBalances(token, [user, receiver, relay], [-amount, amount, 0n]);
    expect(await token.allowance(user.address, relay.target)).to.equal(0n);
    expect(await relay.balanceOfVia(token.target, receiver.address)).to.equal(amount);
    // Without allowance the inner call's custom error bubbles up.
    await expect(relay.forward(token.target, receiver.address, 1n))
      .to.be.revertedWithCustomError(token, "InsufficientAllowance")
      .withArgs(0n, 1n);
  });

  it("the callee's events carry the relay as msg.sender", async function () {
    expect(await relay.storeVia.staticCall(events.target, 1n, 2n, "via")).to.equal(1n);
    await expect(relay.storeVia(events.target, 1n, 2n, "via relay"))
      .to.emit(events, "Stored")
      .withArgs(relay.target, 1n, 2n, "via relay");
    const logs = await events.queryFilter(events.filters.Stored(relay.target));
    expect(logs).to.have.lengthOf(1);
    expect(logs[0].address).to.equal(events.target);
  });

  it("reverts bubble up; try/catch catches Error(string)", async function () {
    await expect(relay.failCustomVia(events.target, 9n))
      .to.be.revertedWithCustomError(events, "Custom")
      .withArgs(relay.target, 9n);
    await expect(relay.catchString(events.target)).to.emit(relay, "Caught").withArgs("nope");
  });
});
