// End-to-end tests with ethers.js v6 against `igrad dev`: an ERC-20 deployed with ContractFactory, transfers and
// receipts, parsed events, contract.on / provider.on("block") over a WebSocketProvider, raw eth_subscribe (logs,
// newHeads) over a WebSocket, revert reasons, custom errors, panics, estimateGas and getFeeData.
//
// Run: node tests/e2e/ethers.test.mjs   (IGRAD=path/to/igrad to choose the binary; exit code != 0 on failure)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import {
  Contract, ContractFactory, JsonRpcProvider, Wallet, WebSocketProvider, getCreateAddress, id, isError,
  parseEther, parseUnits, zeroPadValue, AbiCoder,
} from "ethers";
import WebSocket from "ws"; // a dependency of ethers (its WebSocketProvider uses it on Node.js)

import { compileContracts } from "./compile.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, "..", "..");
const IGRAD = process.env.IGRAD || join(ROOT, "build/release/apps/igrad/igrad");
const CHAIN_ID = 38830n;
const GWEI = 10n ** 9n;
const STARTUP_TIMEOUT_MS = 60_000;
const WAIT_MS = 30_000;

// ---- the node ----------------------------------------------------------------------------------------------------

let dev; // { proc, url, wsUrl, keys, logPath, logDir }

function startDev() {
  return new Promise((resolve, reject) => {
    const logDir = mkdtempSync(join(tmpdir(), "igrad-dev-ethers-"));
    const logPath = join(logDir, "igrad.log");
    const log = createWriteStream(logPath);
    const proc = spawn(IGRAD, ["dev", "--http-addr", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
    proc.stderr.pipe(log);
    const out = { proc, logPath, logDir, keys: [] };
    const fail = (why) => {
      clearTimeout(timer);
      proc.kill("SIGKILL");
      let tail = "";
      try { tail = readFileSync(logPath, "utf8").slice(-4000); } catch {}
      reject(new Error(`igrad dev: ${why}\n${tail}`));
    };
    const timer = setTimeout(() => fail(`no banner within ${STARTUP_TIMEOUT_MS} ms`), STARTUP_TIMEOUT_MS);
    proc.on("error", (e) => fail(`cannot start ${IGRAD}: ${e.message}`));
    proc.on("exit", (code) => { if (out.keys.length < 10) fail(`exited with ${code} before its banner`); });
    const rl = createInterface({ input: proc.stdout });
    rl.on("line", (line) => {
      let m;
      if ((m = line.match(/RPC\s+(http:\/\/\S+)\s+\(WebSocket (ws:\/\/\S+)\)/))) [out.url, out.wsUrl] = [m[1], m[2]];
      else if ((m = line.match(/\((\d+)\) (0x[0-9a-fA-F]{40})\s+key (0x[0-9a-fA-F]{64})/))) {
        assert.equal(new Wallet(m[3]).address.toLowerCase(), m[2].toLowerCase());
        out.keys.push(m[3]);
        if (out.keys.length === 10) {
          clearTimeout(timer);
          if (!out.url) return fail("no RPC line in the banner");
          resolve(out);
        }
      }
    });
  });
}

async function stopDev() {
  if (!dev) return;
  const { proc } = dev;
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((r) => proc.once("exit", (code, sig) => r({ code, sig })));
    proc.kill("SIGTERM");
    let timer;
    const res = await Promise.race([exited, new Promise((r) => { timer = setTimeout(() => r(null), 30_000); })]);
    clearTimeout(timer);
    if (!res) {
      proc.kill("SIGKILL");
      throw new Error("igrad dev did not stop within 30 s of SIGTERM");
    }
    if (res.code !== 0) throw new Error(`igrad dev exited with ${res.code ?? res.sig}:\n${readFileSync(dev.logPath, "utf8").slice(-4000)}`);
  }
  rmSync(dev.logDir, { recursive: true, force: true });
}

// ---- helpers -------------------------------------------------------------------------------------------------------

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise.finally(() => clearTimeout(t)),
    new Promise((_, reject) => { t = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
  ]);
}

async function waitReceipt(tx) {
  const r = await withTimeout(tx.wait(1), WAIT_MS, `receipt of ${tx.hash}`);
  assert.ok(r, `no receipt for ${tx.hash}`);
  return r;
}

// A minimal JSON-RPC client over one WebSocket (for eth_subscribe without ethers' wrapping).
class RawWs {
  constructor(url) {
    this.ws = new WebSocket(url);
    this.next = 1;
    this.pending = new Map();
    this.notes = []; // eth_subscription params
    this.waiters = [];
    this.ws.on("message", (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.id !== undefined && this.pending.has(msg.id)) {
        const { resolve, reject } = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) reject(Object.assign(new Error(msg.error.message), { rpc: msg.error }));
        else resolve(msg.result);
      } else if (msg.method === "eth_subscription") {
        this.notes.push(msg.params);
        for (const w of this.waiters.splice(0)) w();
      }
    });
    this.open = new Promise((resolve, reject) => { this.ws.once("open", resolve); this.ws.once("error", reject); });
  }
  async call(method, params = []) {
    await this.open;
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }
  // Waits until pred(notes) is truthy; returns its value.
  async until(pred, what) {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const v = pred(this.notes);
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => { this.waiters.push(r); setTimeout(r, 200); });
    }
  }
  close() { this.ws.close(); }
}

// ---- fixtures ------------------------------------------------------------------------------------------------------

let provider, ws, wallet, other, third, artifacts, token, events;

before(async () => {
  const t0 = Date.now();
  artifacts = compileContracts();
  const t1 = Date.now();
  dev = await startDev();
  console.error(`# setup: solc ${t1 - t0} ms, igrad dev ${Date.now() - t1} ms`);
  provider = new JsonRpcProvider(dev.url, undefined, { staticNetwork: true, pollingInterval: 200, cacheTimeout: -1 });
  provider.pollingInterval = 200;
  ws = new WebSocketProvider(dev.wsUrl);
  wallet = new Wallet(dev.keys[0], provider);
  other = new Wallet(dev.keys[1], provider);
  third = new Wallet(dev.keys[2], provider);
});

after(async () => {
  const t0 = Date.now();
  try {
    if (ws) await ws.destroy();
    if (provider) provider.destroy();
  } finally {
    const t1 = Date.now();
    await stopDev();
    console.error(`# teardown: providers ${t1 - t0} ms, igrad stop ${Date.now() - t1} ms`);
  }
});

// ---- tests ---------------------------------------------------------------------------------------------------------

test("network and fee data", async () => {
  const net = await provider.getNetwork();
  assert.equal(net.chainId, CHAIN_ID);
  assert.equal((await ws.getNetwork()).chainId, CHAIN_ID);
  const fee = await provider.getFeeData();
  assert.ok(fee.maxPriorityFeePerGas >= GWEI, `maxPriorityFeePerGas ${fee.maxPriorityFeePerGas}`);
  assert.ok(fee.maxFeePerGas >= fee.maxPriorityFeePerGas);
  assert.ok(fee.gasPrice >= GWEI);
  assert.equal(await provider.getBalance(wallet.address, 0), parseEther("10000"));
});

test("ETH transfer: exact balance delta", async () => {
  const to = Wallet.createRandom().address;
  const before = await provider.getBalance(other.address);
  const tx = await other.sendTransaction({ to, value: parseEther("1.5") });
  assert.equal(tx.type, 2);
  const r = await waitReceipt(tx);
  assert.equal(r.status, 1);
  assert.equal(r.gasUsed, 21000n);
  assert.equal(await provider.getBalance(to), parseEther("1.5"));
  assert.equal(before - (await provider.getBalance(other.address)), parseEther("1.5") + r.gasUsed * r.gasPrice);
  const legacy = await other.sendTransaction({ to, value: 1n, type: 0, gasPrice: (await provider.getFeeData()).gasPrice });
  const lr = await waitReceipt(legacy);
  assert.equal(lr.type, 0);
  assert.equal(lr.gasPrice, legacy.gasPrice);
});

test("deploy the ERC-20 with ContractFactory", async () => {
  const { abi, bytecode } = artifacts.Token;
  const factory = new ContractFactory(abi, bytecode, wallet);
  const nonce = await provider.getTransactionCount(wallet.address, "pending");
  const estimate = await provider.estimateGas(await factory.getDeployTransaction("Igra Test", "IGT", parseEther("1000000")));
  token = await factory.deploy("Igra Test", "IGT", parseEther("1000000"));
  const r = await waitReceipt(token.deploymentTransaction());
  await withTimeout(token.waitForDeployment(), WAIT_MS, "waitForDeployment");
  assert.equal(r.status, 1);
  assert.equal(r.contractAddress, getCreateAddress({ from: wallet.address, nonce }));
  assert.equal(await token.getAddress(), r.contractAddress);
  assert.ok(r.gasUsed <= estimate, `gasUsed ${r.gasUsed} > estimate ${estimate}`);
  assert.equal(await token.name(), "Igra Test");
  assert.equal(await token.totalSupply(), parseEther("1000000"));
  const [mint] = r.logs.map((l) => token.interface.parseLog(l));
  assert.equal(mint.name, "Transfer");
  assert.equal(mint.args.to, wallet.address);
});

test("ERC-20 transfer: receipt, parsed events, estimateGas, contract.on and provider.on(block) over WebSocket",
  async () => {
    const to = Wallet.createRandom().address;
    const amount = parseUnits("123.5", 18);
    const tokenWs = new Contract(await token.getAddress(), artifacts.Token.abi, ws);
    const heard = new Promise((resolve) => {
      tokenWs.on("Transfer", (from, toArg, value, ev) => {
        if (toArg === to) resolve({ from, to: toArg, value, ev });
      });
    });
    const blocks = [];
    const twoBlocks = new Promise((resolve) => {
      ws.on("block", (n) => { blocks.push(n); if (blocks.length === 2) resolve(); });
    });
    // Let the subscriptions be installed before the transfer.
    await withTimeout(twoBlocks, WAIT_MS, "two blocks from provider.on('block')");
    assert.equal(blocks[1], blocks[0] + 1);

    const estimate = await token.transfer.estimateGas(to, amount);
    const tx = await token.transfer(to, amount);
    const r = await waitReceipt(tx);
    assert.equal(r.status, 1);
    assert.ok(r.gasUsed <= estimate);
    assert.equal(r.to, await token.getAddress());
    assert.equal(r.logs.length, 1);
    const ev = r.logs[0];
    assert.equal(ev.eventName, "Transfer"); // an EventLog: ethers decoded it with the contract's ABI
    assert.deepEqual([...ev.args], [wallet.address, to, amount]);
    assert.equal(await token.balanceOf(to), amount);

    const got = await withTimeout(heard, WAIT_MS, "contract.on('Transfer') over WebSocket");
    assert.equal(got.from, wallet.address);
    assert.equal(got.value, amount);
    assert.equal(got.ev.log.transactionHash, r.hash);
    assert.equal(got.ev.log.blockHash, r.blockHash);
    await tokenWs.removeAllListeners();
    await ws.removeAllListeners("block");

    // Event queries (eth_getLogs) through the contract.
    const logs = await token.queryFilter(token.filters.Transfer(null, to), r.blockNumber - 5, "latest");
    assert.deepEqual(logs.map((l) => l.transactionHash), [r.hash]);
  });

test("eth_subscribe logs and newHeads over a raw WebSocket", async () => {
  const raw = new RawWs(dev.wsUrl);
  try {
    const addr = await token.getAddress();
    const logsSub = await raw.call("eth_subscribe", ["logs", { address: addr, topics: [id("Transfer(address,address,uint256)")] }]);
    const headsSub = await raw.call("eth_subscribe", ["newHeads"]);
    assert.match(logsSub, /^0x[0-9a-f]+$/);
    const to = Wallet.createRandom().address;
    const r = await waitReceipt(await token.transfer(to, 5n));
    const log = await raw.until((ns) => ns.find((n) => n.subscription === logsSub && n.result.transactionHash === r.hash),
      "the logs notification");
    assert.equal(log.result.address.toLowerCase(), addr.toLowerCase());
    assert.equal(log.result.topics[2], zeroPadValue(to.toLowerCase(), 32));
    assert.equal(log.result.removed, false);
    assert.equal(BigInt(log.result.blockNumber), BigInt(r.blockNumber));
    const head = await raw.until((ns) => ns.find((n) => n.subscription === headsSub && BigInt(n.result.number) >= BigInt(r.blockNumber)),
      "a newHeads notification");
    const block = await provider.getBlock(Number(BigInt(head.result.number)));
    assert.equal(head.result.hash, block.hash);
    assert.equal(head.result.parentHash, block.parentHash);
    assert.equal(await raw.call("eth_unsubscribe", [logsSub]), true);
    assert.equal(await raw.call("eth_unsubscribe", [logsSub]), false);
    assert.equal(await raw.call("eth_unsubscribe", [headsSub]), true);
    // eth_subscribe over HTTP is refused.
    await assert.rejects(provider.send("eth_subscribe", ["newHeads"]));
  } finally {
    raw.close();
  }
});

test("revert string, custom error and panic in ethers' errors", async () => {
  const { abi, bytecode } = artifacts.Events;
  events = await new ContractFactory(abi, bytecode, third).deploy();
  await waitReceipt(events.deploymentTransaction());

  // require(false, "nope")
  await assert.rejects(events.failString(), (e) => {
    assert.ok(isError(e, "CALL_EXCEPTION"), e.message);
    assert.equal(e.reason, "nope");
    assert.equal(e.revert?.name, "Error");
    return true;
  });
  await assert.rejects(events.failString.estimateGas(), (e) => {
    assert.ok(isError(e, "CALL_EXCEPTION"), e.message);
    assert.equal(e.reason, "nope");
    return true;
  });
  // Custom(address, uint256)
  await assert.rejects(events.failCustom(9n), (e) => {
    assert.ok(isError(e, "CALL_EXCEPTION"), e.message);
    const parsed = events.interface.parseError(e.data);
    assert.equal(parsed.name, "Custom");
    assert.deepEqual([...parsed.args], [third.address, 9n]);
    assert.equal(e.revert?.name, "Custom"); // ethers decoded it itself too
    return true;
  });
  // The ERC-20's InsufficientBalance(available, required) from an account without tokens.
  const poor = token.connect(other);
  await assert.rejects(poor.transfer.estimateGas(wallet.address, 10n), (e) => {
    assert.ok(isError(e, "CALL_EXCEPTION"), e.message);
    const parsed = token.interface.parseError(e.data);
    assert.equal(parsed.name, "InsufficientBalance");
    assert.deepEqual([...parsed.args], [0n, 10n]);
    return true;
  });
  // Panics: assert(false) = 0x01, division by zero = 0x12.
  await assert.rejects(events.failAssert(), (e) => {
    assert.ok(isError(e, "CALL_EXCEPTION"), e.message);
    assert.equal(e.revert?.name, "Panic");
    assert.equal(BigInt(e.revert.args[0]), 1n);
    return true;
  });
  await assert.rejects(events.divide(1n, 0n), (e) => {
    assert.ok(isError(e, "CALL_EXCEPTION"), e.message);
    assert.equal(e.revert?.name, "Panic");
    assert.equal(BigInt(e.revert.args[0]), 0x12n);
    return true;
  });
  assert.equal(await events.divide(9n, 2n), 4n);
  // The raw error object: code 3 with data = selector + arguments.
  const data = events.interface.encodeFunctionData("failCustom", [9n]);
  await assert.rejects(provider.send("eth_call", [{ from: third.address, to: await events.getAddress(), data }, "latest"]), (e) => {
    const err = e.error ?? e.info?.error;
    assert.equal(err?.code, 3, JSON.stringify(e.info ?? e));
    assert.equal(err.data, id("Custom(address,uint256)").slice(0, 10) +
      AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [third.address, 9n]).slice(2));
    return true;
  });
});

test("events with indexed and non-indexed arguments; a mined revert", async () => {
  const tx = await events.store(7n, 70n, "seven");
  const r = await waitReceipt(tx);
  const [stored, bumped] = r.logs;
  assert.equal(stored.eventName, "Stored");
  assert.deepEqual([...stored.args], [third.address, 7n, 70n, "seven"]);
  assert.equal(bumped.eventName, "Bumped");
  assert.equal(bumped.args.counter, 1n);
  assert.equal(bumped.index, stored.index + 1);
  const q = await events.queryFilter(events.filters.Stored(third.address, 7n), r.blockNumber, r.blockNumber);
  assert.equal(q.length, 1);
  assert.equal(q[0].args.note, "seven");
  assert.equal((await events.queryFilter(events.filters.Stored(null, 8n), r.blockNumber, r.blockNumber)).length, 0);

  // A transaction that reverts on chain: wait() rejects with CALL_EXCEPTION and the receipt has status 0.
  const bad = await events.bumpThenFail({ gasLimit: 100_000n });
  await assert.rejects(withTimeout(bad.wait(1), WAIT_MS, "reverted receipt"), (e) => {
    assert.ok(isError(e, "CALL_EXCEPTION"), e.message);
    assert.equal(e.receipt?.status, 0);
    return true;
  });
  assert.equal(await events.counter(), 1n);
});

test("three transactions back to back (pending nonces)", async () => {
  const to = Wallet.createRandom().address;
  const start = await provider.getTransactionCount(other.address, "latest");
  const txs = [];
  for (let i = 0; i < 3; ++i) txs.push(await other.sendTransaction({ to, value: 10n + BigInt(i) }));
  assert.deepEqual(txs.map((t) => t.nonce), [start, start + 1, start + 2]);
  const rs = await Promise.all(txs.map(waitReceipt));
  assert.ok(rs.every((r) => r.status === 1));
  assert.equal(await provider.getBalance(to), 33n);
  assert.equal(await provider.getTransactionCount(other.address, "latest"), start + 3);
  const t = await provider.getTransaction(txs[2].hash);
  assert.equal(t.from, other.address);
  assert.equal(t.nonce, start + 2);
  assert.equal(t.blockHash, rs[2].blockHash);
  const block = await provider.getBlock(rs[2].blockNumber, true);
  assert.ok(block.prefetchedTransactions.some((x) => x.hash === txs[2].hash));
});
