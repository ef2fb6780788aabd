// Hardhat 2 configuration for running a contract test suite against `igrad dev` as an external network
// (tests/hardhat/run_hardhat.py starts the node and sets IGRA_RPC_URL; see that file).
//
// - Sources are the e2e contracts (tests/e2e/contracts); the cache and the artifacts go to a temporary directory
//   (HARDHAT_OUT_DIR, else <os.tmpdir()>/igra-hardhat-<uid>) so that nothing is written into the repository.
// - The compiler is the solc-js 0.8.30 of the repository's node_modules (npm `solc`): the subtask that would
//   download a compiler (and its list of builds) is overridden, so compiling needs no network.
// - Network `igra`: chain id 38830 and the ten funded dev accounts of `igrad dev` (the public Hardhat / Anvil
//   test keys of the mnemonic "test test test test test test test test test test test junk").
const os = require("node:os");
const path = require("node:path");
const { subtask } = require("hardhat/config");
const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require("hardhat/builtin-tasks/task-names");

require("@nomicfoundation/hardhat-ethers");
require("@nomicfoundation/hardhat-chai-matchers");

const SOLC_VERSION = "0.8.30";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async ({ solcVersion }) => {
  const solc = require("solc");
  const longVersion = solc.version(); // e.g. 0.8.30+commit.73712a01.Emscripten.clang
  if (solcVersion !== SOLC_VERSION || !longVersion.startsWith(`${SOLC_VERSION}+`)) {
    throw new Error(`hardhat asked for solc ${solcVersion}; node_modules has solc-js ${longVersion} (want ${SOLC_VERSION})`);
  }
  return { compilerPath: require.resolve("solc/soljson.js"), isSolcJs: true, version: SOLC_VERSION, longVersion };
});

const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
  "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
];

const uid = typeof process.getuid === "function" ? process.getuid() : "user";
const OUT_DIR = process.env.HARDHAT_OUT_DIR || path.join(os.tmpdir(), `igra-hardhat-${uid}`);

/** @type import('hardhat/config').HardhatUserConfig */
module.exports = {
  solidity: {
    version: SOLC_VERSION,
    settings: { evmVersion: "prague", optimizer: { enabled: true, runs: 200 } },
  },
  paths: {
    // The project root is the repository's: Hardhat refuses sources outside its root (HH1007).
    root: path.join(__dirname, "..", ".."),
    sources: path.join(__dirname, "..", "e2e", "contracts"),
    tests: path.join(__dirname, "test"),
    cache: path.join(OUT_DIR, "cache"),
    artifacts: path.join(OUT_DIR, "artifacts"),
  },
  defaultNetwork: "igra",
  networks: {
    igra: {
      url: process.env.IGRA_RPC_URL || "http://127.0.0.1:8545",
      chainId: 38830,
      accounts: DEV_KEYS,
      timeout: 60_000,
    },
  },
  mocha: { timeout: 120_000 },
};
