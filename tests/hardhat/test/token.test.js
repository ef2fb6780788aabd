// ERC-20 (tests/e2e/contracts/Token.sol) on `igrad dev` through Hardhat: deployment, transfers with emitted
// events and token balance changes, custom errors, approve / transferFrom, indexed-event queries, estimateGas,
// and several transactions from one signer sent back to back (pending nonces).
const { expect } = require("chai");
const hre = require("hardhat");

const { ethers } = hre;
const E18 = 10n ** 18n;
const SUPPLY = 1_000_000n * E18;

describe("Token (ERC-20)", function () {
  let owner, alice, bob, carol, token, deployBlock;

  before(async function () {
    [owner, alice, bob, carol] = await ethers.getSigners();
    token = await ethers.deployContract("Token", ["Igra Token", "IGT", SUPPLY], owner);
    await token.waitForDeployment();
    const receipt = await token.deploymentTransaction().wait();
    deployBlock = receipt.blockNumber;
  });

  it("is deployed with its code, metadata and the whole supply minted to the deployer", async function () {
    const address = await token.getAddress();
    expect(address).to.be.properAddress;
    expect(await ethers.provider.getCode(address)).to.not.equal("0x");
    expect(address).to.equal(ethers.getCreateAddress({ from: owner.address, nonce: token.deploymentTransaction().nonce }));
    await expect(token.deploymentTransaction())
      .to.emit(token, "Transfer")
      .withArgs(ethers.ZeroAddress, owner.address, SUPPLY);
    expect(await token.name()).to.equal("Igra Token");
    expect(await token.symbol()).to.equal("IGT");
    expect(await token.decimals()).to.equal(18n);
    expect(await token.totalSupply()).to.equal(SUPPLY);
    expect(await token.balanceOf(owner.address)).to.equal(SUPPLY);
  });

  it("transfers: Transfer event and token balance changes", async function () {
    const amount = 1000n * E18;
    const tx = token.transfer(alice.address, amount);
    await expect(tx).to.emit(token, "Transfer").withArgs(owner.address, alice.address, amount);
    await expect(tx).to.changeTokenBalances(token, [owner, alice], [-amount, amount]);
    const receipt = await (await tx).wait();
    expect(receipt.status).to.equal(1);
    expect(receipt.logs).to.have.lengthOf(1);
  });

  it("a transfer larger than the balance reverts with InsufficientBalance(available, required)", async function () {
    const have = await token.balanceOf(bob.address);
    await expect(token.connect(bob).transfer(alice.address, have + 1n))
      .to.be.revertedWithCustomError(token, "InsufficientBalance")
      .withArgs(have, have + 1n);
    await expect(token.connect(bob).transfer.staticCall(alice.address, have + 1n)).to.be.reverted;
  });

  it("approve and transferFrom", async function () {
    const allowance = 300n * E18;
    await expect(token.connect(alice).approve(bob.address, allowance))
      .to.emit(token, "Approval")
      .withArgs(alice.address, bob.address, allowance);
    expect(await token.allowance(alice.address, bob.address)).to.equal(allowance);

    const part = 120n * E18;
    await expect(token.connect(bob).transferFrom(alice.address, carol.address, part)).to.changeTokenBalances(
      token,
      [alice, bob, carol],
      [-part, 0n, part],
    );
    expect(await token.allowance(alice.address, bob.address)).to.equal(allowance - part);

    await expect(token.connect(bob).transferFrom(alice.address, carol.address, allowance))
      .to.be.revertedWithCustomError(token, "InsufficientAllowance")
      .withArgs(allowance - part, allowance);
    await expect(token.connect(carol).transferFrom(alice.address, carol.address, 1n))
      .to.be.revertedWithCustomError(token, "InsufficientAllowance")
      .withArgs(0n, 1n);
  });

  it("queryFilter finds Transfer events by indexed from / to", async function () {
    const fromOwner = await token.queryFilter(token.filters.Transfer(owner.address), deployBlock, "latest");
    expect(fromOwner.length).to.be.greaterThanOrEqual(1);
    for (const ev of fromOwner) expect(ev.args.from).to.equal(owner.address);
    expect(fromOwner[0].args.to).to.equal(alice.address);
    expect(fromOwner[0].args.value).to.equal(1000n * E18);

    const mint = await token.queryFilter(token.filters.Transfer(ethers.ZeroAddress, owner.address), deployBlock, deployBlock);
    expect(mint).to.have.lengthOf(1);
    expect(mint[0].args.value).to.equal(SUPPLY);
    expect(mint[0].blockNumber).to.equal(deployBlock);
    expect(mint[0].transactionHash).to.equal(token.deploymentTransaction().hash);

    const toCarol = await token.queryFilter(token.filters.Transfer(null, carol.address), deployBlock);
    expect(toCarol).to.have.lengthOf(1);
    expect(toCarol[0].args.from).to.equal(alice.address);
    expect(toCarol[0].topics[0]).to.equal(ethers.id("Transfer(address,address,uint256)"));
    expect(toCarol[0].topics[2]).to.equal(ethers.zeroPadValue(carol.address, 32).toLowerCase());

    const approvals = await token.queryFilter("Approval", deployBlock);
    expect(approvals).to.have.lengthOf(1);
    expect(approvals[0].args.owner).to.equal(alice.address);

    const none = await token.queryFilter(token.filters.Transfer(carol.address), deployBlock);
    expect(none).to.have.lengthOf(0);
  });

  it("estimateGas matches what the transfer uses", async function () {
    const est = await token.transfer.estimateGas(bob.address, 5n * E18);
    expect(est).to.be.greaterThan(21_000n);
    expect(est).to.be.lessThan(100_000n);
    const receipt = await (await token.transfer(bob.address, 5n * E18, { gasLimit: est })).wait();
    expect(receipt.status).to.equal(1);
    expect(receipt.gasUsed).to.be.lessThanOrEqual(est);
    expect(receipt.gasUsed).to.be.greaterThan(21_000n);
    // A failing call cannot be estimated.
    await expect(token.connect(carol).transfer.estimateGas(bob.address, 10n ** 30n))
      .to.be.revertedWithCustomError(token, "InsufficientBalance");
  });

  it("several transactions from one signer back to back get consecutive pending nonces", async function () {
    const n = 5;
    const start = await ethers.provider.getTransactionCount(owner.address, "pending");
    expect(await ethers.provider.getTransactionCount(owner.address, "latest")).to.equal(start);
    const before = await token.balanceOf(carol.address);
    const sent = [];
    for (let i = 0; i < n; i++) sent.push(await token.transfer(carol.address, BigInt(i + 1) * E18));
    expect(sent.map((t) => t.nonce)).to.deep.equal([...Array(n).keys()].map((i) => start + i));
    expect(await ethers.provider.getTransactionCount(owner.address, "pending")).to.equal(start + n);
    const receipts = await Promise.all(sent.map((t) => t.wait()));
    for (const r of receipts) expect(r.status).to.equal(1);
    expect(await ethers.provider.getTransactionCount(owner.address, "latest")).to.equal(start + n);
    expect(await token.balanceOf(carol.address)).to.equal(before + 15n * E18);
  });
});
