// Compiles tests/e2e/contracts/*.sol with solc-js (npm `solc`, pinned in package.json) and prints
// {"<Contract>": {"abi": [...], "bytecode": "0x..."}} on stdout. Nothing is written to disk.
// Usage: node tests/e2e/compile.mjs   (or import { compileContracts } from "./compile.mjs")
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

export function compileContracts() {
  const solc = require("solc");
  const dir = join(here, "contracts");
  const sources = {};
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".sol")).sort())
    sources[f] = { content: readFileSync(join(dir, f), "utf8") };
  const input = {
    language: "Solidity",
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "prague",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const res = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (res.errors || []).filter((e) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const out = {};
  for (const file of Object.keys(res.contracts || {}))
    for (const [name, c] of Object.entries(res.contracts[file]))
      out[name] = { abi: c.abi, bytecode: "0x" + c.evm.bytecode.object };
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(compileContracts()) + "\n");
}
